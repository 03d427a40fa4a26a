// The result: the protocolLogs object (schemas/protocol-logs.schema.json) as JSON text.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
    {
        [MethodImpl(Jit.Optimized)]
        static string Iso(long ticks)
        {
            return new DateTime(ticks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
        }

        [MethodImpl(Jit.Optimized)]
        static int PeerPriority(Peer p)
        {
            if (p.Legacy > 0) return 0;
            if (p.MailNoTls > 0) return 1;
            if (p.StartTlsNoHandshake > 0) return 2;
            return 3;
        }

        [MethodImpl(Jit.Optimized)]
        static int ComparePeerKeys(Peer a, Peer b)
        {
            int c = String.CompareOrdinal(a.Direction, b.Direction);
            if (c == 0) c = String.CompareOrdinal(a.Service, b.Service);
            if (c == 0) c = String.CompareOrdinal(a.Connector, b.Connector);
            if (c == 0) c = String.CompareOrdinal(a.Remote ?? "", b.Remote ?? "");
            return c;
        }

        [MethodImpl(Jit.Optimized)]
        public string ToJson()
        {
            sw.Start();

            // Peers: all of them when they fit; else the ones that matter for the TLS change first.
            List<Peer> all = new List<Peer>(peers.Values);
            all.Sort(delegate (Peer a, Peer b)
            {
                int c = PeerPriority(a).CompareTo(PeerPriority(b));
                if (c == 0) c = b.Sessions.CompareTo(a.Sessions);
                if (c == 0) c = ComparePeerKeys(a, b);
                return c;
            });
            long omittedPeers = 0, omittedSessions = 0;
            if (all.Count > MaxOutputPeers)
            {
                for (int i = MaxOutputPeers; i < all.Count; i++) { omittedPeers++; omittedSessions += all[i].Sessions; }
                all.RemoveRange(MaxOutputPeers, all.Count - MaxOutputPeers);
            }
            all.Sort(ComparePeerKeys);

            long sumSessions = 0, sumMail = 0, sumNoTls = 0, sumStartTls = 0, sumMailNoTls = 0, sumLegacy = 0, legacyPeers = 0;
            SortedDictionary<string, long> sumVersions = new SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (Peer p in peers.Values)
            {
                sumSessions += p.Sessions; sumMail += p.MailSessions; sumNoTls += p.NoTls; sumStartTls += p.StartTlsNoHandshake;
                sumMailNoTls += p.MailNoTls; sumLegacy += p.Legacy;
                if (p.Legacy > 0) legacyPeers++;
                for (int i = 0; i < p.VersionCount; i++)
                {
                    long c;
                    sumVersions.TryGetValue(p.Versions[i], out c);
                    sumVersions[p.Versions[i]] = c + p.VersionSessions[i];
                }
            }

            List<ErrorGroup> eg = new List<ErrorGroup>(errors.Values);
            eg.Sort(delegate (ErrorGroup a, ErrorGroup b)
            {
                int c = b.Count.CompareTo(a.Count);
                if (c == 0) c = String.CompareOrdinal(a.Kind, b.Kind);
                if (c == 0) c = String.CompareOrdinal(a.Signature, b.Signature);
                if (c == 0) c = String.CompareOrdinal(a.Direction, b.Direction);
                if (c == 0) c = String.CompareOrdinal(a.Service, b.Service);
                if (c == 0) c = String.CompareOrdinal(a.Connector, b.Connector);
                if (c == 0) c = String.CompareOrdinal(a.Remote ?? "", b.Remote ?? "");
                return c;
            });

            JsonText j = new JsonText();
            j.BeginObject();
            j.Name("schemaVersion").Value(1);
            j.Name("status").Value(status);
            j.Name("message").Value(message);
            j.Name("window").BeginObject();
            j.Name("referenceTime").Value(refText);
            j.Name("start").Value(Iso(windowStart));
            j.Name("logDays").Value(logDays);
            j.EndObject();
            j.Name("byteBudget").Value(byteBudget);
            j.Name("truncated").Value(truncated);
            j.Name("truncatedReason").Value(truncatedReason);

            j.Name("folders").BeginArray();
            foreach (LogFolder f in folders)
            {
                j.BeginObject();
                j.Name("path").Value(f.Path);
                j.Name("source").Value(f.Source);
                j.Name("service").Value(f.Service);
                j.Name("exists").Value(f.Exists);
                j.Name("logFiles").Value(f.LogFiles);
                j.Name("filesScanned").Value(f.FilesScanned);
                j.Name("bytesScanned").Value(f.BytesScanned);
                j.EndObject();
            }
            j.EndArray();

            j.Name("summary").BeginObject();
            j.Name("peers").Value((long)peers.Count);
            j.Name("sessions").Value(sumSessions);
            j.Name("mailSessions").Value(sumMail);
            j.Name("tlsVersions").BeginObject();
            foreach (KeyValuePair<string, long> kv in sumVersions) j.Name(kv.Key).Value(kv.Value);
            j.EndObject();
            j.Name("legacyTlsSessions").Value(sumLegacy);
            j.Name("peersWithLegacyTls").Value(legacyPeers);
            j.Name("noTlsSessions").Value(sumNoTls);
            j.Name("starttlsWithoutHandshake").Value(sumStartTls);
            j.Name("mailWithoutTls").Value(sumMailNoTls);
            j.Name("errorLines").Value(errorLines);
            j.EndObject();

            j.Name("stats").BeginObject();
            j.Name("filesFound").Value(filesFound);
            j.Name("filesScanned").Value(filesScanned);
            j.Name("filesSkippedOutsideWindow").Value(filesSkippedWindow);
            j.Name("filesSkippedByBudget").Value(filesSkippedBudget);
            j.Name("filesPartiallyScanned").Value(filesPartial);
            j.Name("filesVanished").Value(filesVanished);
            j.Name("filesFailed").Value(filesFailed);
            j.Name("bytesScanned").Value(bytesScanned);
            j.Name("bytesSkippedByBudget").Value(bytesSkippedBudget);
            j.Name("lines").Value(lines);
            j.Name("headerLines").Value(headerLines);
            j.Name("blankLines").Value(blankLines);
            j.Name("dataLines").Value(dataLines);
            j.Name("linesOutsideWindow").Value(outsideWindow);
            j.Name("badLines").Value(badLines);
            j.Name("badLineReasons").BeginObject();
            foreach (KeyValuePair<string, long> kv in badReasons) j.Name(kv.Key).Value(kv.Value);
            j.EndObject();
            j.Name("partialLines").Value(partialLines);
            j.Name("sessions").Value(sessionsTotal);
            j.Name("sessionsUnclosed").Value(sessionsUnclosed);
            j.Name("sessionsSwept").Value(sessionsSwept);
            j.Name("durationMs").Value(sw.ElapsedMilliseconds);
            j.EndObject();

            j.Name("limits").BeginObject();
            j.Name("maxTrackedPeers").Value(MaxTrackedPeers);
            j.Name("maxOutputPeers").Value(MaxOutputPeers);
            j.Name("maxErrorGroups").Value(MaxErrorGroups);
            j.Name("maxSamplesPerError").Value(MaxSamplesPerError);
            j.Name("maxOpenSessions").Value(MaxOpenSessions);
            j.Name("peersOmitted").Value(omittedPeers);
            j.Name("peersOmittedSessions").Value(omittedSessions);
            j.Name("sessionsUntracked").Value(sessionsUntracked);
            j.Name("errorLinesUntracked").Value(errorLinesUntracked);
            j.EndObject();

            j.Name("peers").BeginArray();
            foreach (Peer p in all) WritePeer(j, p);
            j.EndArray();

            j.Name("errors").BeginArray();
            foreach (ErrorGroup g in eg)
            {
                j.BeginObject();
                j.Name("kind").Value(g.Kind);
                j.Name("code").Value(g.Code);
                j.Name("signature").Value(g.Signature);
                j.Name("direction").Value(g.Direction);
                j.Name("service").Value(g.Service);
                j.Name("connector").Value(g.Connector);
                j.Name("remoteAddress").Value(g.Remote);
                j.Name("remoteName").Value(g.Name);
                j.Name("sessionStage").Value(g.Stage);
                j.Name("count").Value(g.Count);
                j.Name("firstSeen").Value(Iso(g.First));
                j.Name("lastSeen").Value(Iso(g.Last));
                WriteSamples(j.Name("samples"), g.Samples);
                j.EndObject();
            }
            j.EndArray();

            WriteSamples(j.Name("badLineSamples"), badSamples);
            j.Name("fileErrors").BeginArray();
            foreach (FileError e in fileErrors)
            {
                j.BeginObject();
                j.Name("path").Value(e.Path);
                j.Name("message").Value(e.Message);
                j.EndObject();
            }
            j.EndArray();
            j.EndObject();
            return j.ToString();
        }

        [MethodImpl(Jit.Optimized)]
        static void WritePeer(JsonText j, Peer p)
        {
            j.BeginObject();
            j.Name("direction").Value(p.Direction);
            j.Name("service").Value(p.Service);
            j.Name("connector").Value(p.Connector);
            j.Name("remoteAddress").Value(p.Remote);
            WriteNames(j, p);
            j.Name("sessions").Value(p.Sessions);
            j.Name("mailSessions").Value(p.MailSessions);
            int[] order = SortedIndexes(p.Versions, p.VersionCount);
            j.Name("tlsVersions").BeginObject();
            foreach (int i in order) j.Name(p.Versions[i]).Value(p.VersionSessions[i]);
            j.EndObject();
            j.Name("tlsLastSeen").BeginObject();
            foreach (int i in order) j.Name(p.Versions[i]).Value(Iso(p.VersionLast[i]));
            j.EndObject();
            j.Name("legacyTlsSessions").Value(p.Legacy);
            j.Name("noTlsSessions").Value(p.NoTls);
            j.Name("starttlsWithoutHandshake").Value(p.StartTlsNoHandshake);
            j.Name("mailWithoutTls").Value(p.MailNoTls);
            WriteCiphers(j, p);
            j.Name("mailWithTlsLastSeen").Value(p.LastTlsMail == long.MinValue ? null : Iso(p.LastTlsMail));
            j.Name("firstSeen").Value(Iso(p.First));
            j.Name("lastSeen").Value(Iso(p.Last));
            j.EndObject();
        }

        [MethodImpl(Jit.Optimized)]
        static void WriteCiphers(JsonText j, Peer p)
        {
            j.Name("ciphers").BeginArray();
            foreach (int i in SortedIndexes(p.Ciphers, p.CipherCount))
            {
                string[] parts = p.Ciphers[i].Split('\u001f');
                j.BeginObject();
                j.Name("tlsVersion").Value(parts[0]);
                j.Name("bulkCipher").Value(parts[1].Length > 0 ? parts[1] : null);
                WriteBits(j.Name("bulkBits"), parts[2]);
                j.Name("macHash").Value(parts[3].Length > 0 ? parts[3] : null);
                j.Name("keyExchange").Value(parts[4].Length > 0 ? parts[4] : null);
                WriteBits(j.Name("keyExchangeBits"), parts[5]);
                j.Name("sessions").Value(p.CipherSessions[i]);
                j.EndObject();
            }
            j.EndArray();
            j.Name("ciphersOmittedSessions").Value(p.CipherOverflow);
        }

        // remoteName: the name most sessions gave (ties: ordinal order); remoteNames: all kept, the same order.
        [MethodImpl(Jit.Optimized)]
        static void WriteNames(JsonText j, Peer p)
        {
            int[] order = SortedIndexes(p.Names, p.NameCount);
            Array.Sort(order, delegate (int a, int b)
            {
                int c = p.NameSessions[b].CompareTo(p.NameSessions[a]);
                return c != 0 ? c : String.CompareOrdinal(p.Names[a], p.Names[b]);
            });
            j.Name("remoteName").Value(order.Length > 0 ? p.Names[order[0]] : null);
            j.Name("remoteNames").BeginArray();
            foreach (int i in order) j.Value(p.Names[i]);
            j.EndArray();
        }

        // Indexes of names[0, count) in ordinal order of the names.
        [MethodImpl(Jit.Optimized)]
        static int[] SortedIndexes(string[] names, int count)
        {
            int[] order = new int[count];
            for (int i = 0; i < count; i++) order[i] = i;
            Array.Sort(order, delegate (int a, int b) { return String.CompareOrdinal(names[a], names[b]); });
            return order;
        }

        [MethodImpl(Jit.Optimized)]
        static void WriteSamples(JsonText j, List<Sample> samples)
        {
            j.BeginArray();
            foreach (Sample d in samples)
            {
                j.BeginObject();
                j.Name("file").Value(d.File);
                j.Name("line").Value(d.Line);
                if (d.Reason != null) j.Name("reason").Value(d.Reason);
                j.Name("text").Value(d.Text);
                j.EndObject();
            }
            j.EndArray();
        }

        [MethodImpl(Jit.Optimized)]
        static void WriteBits(JsonText j, string s)
        {
            long v;
            if (s.Length > 0 && Int64.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out v)) j.Value(v);
            else j.Null();
        }
    }
}
