// IIS (W3C) logs: HTTPS clients by the TLS version they negotiated, from the custom fields crypt-protocol,
// crypt-cipher, crypt-hash and crypt-keyexchange (Microsoft Security blog, "New IIS functionality to help identify
// weak TLS usage", 2017-09-07). Same files, window, budget and bounds as the SMTP scan; a request is counted like a
// session, a client is site x client address.
using System;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
    {
        bool iis;
        int iTime, iClient, iAgent, iProtocol, iCipher, iHash, iKx;
        bool fileHasCrypt;
        long filesWithTls, filesWithoutTls, requestsWithoutTlsFields, plainRequests, requestsUntracked;

        [MethodImpl(Jit.Optimized)]
        public void RunIis(string[] roots, string[] sources, string referenceTime, double days, long budget)
        {
            iis = true;
            Run(roots, sources, referenceTime, days, budget);
        }

        [MethodImpl(Jit.Optimized)]
        void IisHeader(string line)
        {
            if (!line.StartsWith("#Fields:", StringComparison.OrdinalIgnoreCase)) return;
            string[] names = line.Substring(8).Trim().Split(new char[] { ' ' }, StringSplitOptions.RemoveEmptyEntries);
            iDate = iTime = iClient = iAgent = iProtocol = iCipher = iHash = iKx = -1;
            for (int i = 0; i < names.Length; i++)
            {
                string n = names[i].ToLowerInvariant();
                if (n == "date") iDate = i;
                else if (n == "time") iTime = i;
                else if (n == "c-ip") iClient = i;
                else if (n == "cs(user-agent)") iAgent = i;
                else if (n == "crypt-protocol") iProtocol = i;
                else if (n == "crypt-cipher") iCipher = i;
                else if (n == "crypt-hash") iHash = i;
                else if (n == "crypt-keyexchange") iKx = i;
            }
            haveFields = iDate >= 0 && iTime >= 0 && iClient >= 0 && names.Length <= fStart.Length;
            iRequired = Math.Max(iDate, Math.Max(iTime, iClient));
            if (iProtocol >= 0) fileHasCrypt = true;
            if (!haveFields) Bad("unusableFieldsHeader", 0, 0);
        }

        [MethodImpl(Jit.Optimized)]
        void ProcessIisLine(int start, int len)
        {
            curLineNo++;
            lines++;
            if (len == 0) { blankLines++; return; }
            if (buf[start] == (byte)'#') { headerLines++; IisHeader(Utf8.GetString(buf, start, len)); return; }
            if (!haveFields) { Bad("noFieldsHeader", start, len); return; }
            // W3C fields are separated by single spaces and never hold one ('+' stands for it)
            int end = start + len, p = start;
            fCount = 0;
            while (fCount < fStart.Length)
            {
                int sp = Array.IndexOf<byte>(buf, (byte)' ', p, end - p);
                int e = sp < 0 ? end : sp;
                fStart[fCount] = p; fLen[fCount] = e - p; fCount++;
                if (sp < 0) break;
                p = sp + 1;
            }
            if (fCount <= iRequired) { Bad("tooFewFields", start, len); return; }
            long t = IisTime(fStart[iDate], fLen[iDate], fStart[iTime], fLen[iTime]);
            if (t < 0) { Bad("badDateTime", start, len); return; }
            dataLines++;
            if (t < windowStart || t > refTicks) { outsideWindow++; return; }
            if (iProtocol < 0 || iProtocol >= fCount) { requestsWithoutTlsFields++; return; }
            int ps = fStart[iProtocol], pl = fLen[iProtocol];
            if (pl == 0 || (pl == 1 && buf[ps] == (byte)'-')) { plainRequests++; return; }
            long proto = Hex(ps, pl);
            string version = proto < 0 ? Utf8.GetString(buf, ps, pl) : ProtocolName(proto);

            PeerKey key = new PeerKey();
            key.Direction = DirReceive; key.Service = curFolder.Service; key.Connector = curFolder.Service;
            key.Remote = fLen[iClient] > 0 ? CachedAddress(fStart[iClient], fLen[iClient]) : null;
            Peer peer;
            if (!peers.TryGetValue(key, out peer))
            {
                if (peers.Count >= MaxTrackedPeers) { requestsUntracked++; return; }
                peer = new Peer();
                peer.Direction = "receive"; peer.Service = key.Service; peer.Connector = key.Connector; peer.Remote = key.Remote;
                peers.Add(key, peer);
            }
            peer.Sessions++;
            if (t < peer.First) peer.First = t;
            if (t > peer.Last) peer.Last = t;
            peer.AddVersion(version, t);
            if (IsLegacy(version)) peer.Legacy++;
            if (!peer.AddCipher(IisCipher(version), MaxCiphersPerPeer)) peer.CipherOverflow++;
            if (iAgent >= 0 && iAgent < fCount && fLen[iAgent] > 0 && !(fLen[iAgent] == 1 && buf[fStart[iAgent]] == (byte)'-'))
            {
                string agent = AgentName(fStart[iAgent], fLen[iAgent]);
                if (agent != null) peer.AddName(agent);
            }
        }

        // The user agent field as is ('+' stands for a space in W3C logs): printable ASCII (else '?'), at most 255
        // characters. Cached with the host names.
        [MethodImpl(Jit.Optimized)]
        string AgentName(int start, int len)
        {
            if (len > 255) len = 255;
            ulong h = 14695981039346656037UL;
            for (int i = start; i < start + len; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            h ^= 0x5A5A5A5A5A5A5A5AUL;   // not the same key as a host name of the same bytes
            string r;
            if (nameCache.TryGetValue(h, out r)) return r;
            char[] c = new char[len];
            for (int i = start; i < start + len; i++) { byte b = buf[i]; c[i - start] = b > 0x20 && b < 0x7F ? (char)b : '?'; }
            r = new string(c);
            if (nameCache.Count > 100000) nameCache.Clear();
            nameCache[h] = r;
            return r;
        }

        // "2026-11-28" "10:00:00" (UTC, as IIS writes W3C logs)
        [MethodImpl(Jit.Optimized)]
        long IisTime(int ds, int dl, int ts, int tl)
        {
            if (dl != 10 || tl < 8 || buf[ds + 4] != '-' || buf[ds + 7] != '-' || buf[ts + 2] != ':' || buf[ts + 5] != ':') return -1;
            int y = D(ds, 4), mo = D(ds + 5, 2), d = D(ds + 8, 2), h = D(ts, 2), mi = D(ts + 3, 2), se = D(ts + 6, 2);
            if (y < 1 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59 || se < 0 || se > 60) return -1;
            long dayKey = y * 10000L + mo * 100 + d;
            if (dayKey != cachedDayKey)
            {
                if (d > DateTime.DaysInMonth(y, mo)) return -1;
                cachedDayTicks = new DateTime(y, mo, d, 0, 0, 0, DateTimeKind.Utc).Ticks;
                cachedDayKey = dayKey;
            }
            return cachedDayTicks + h * TimeSpan.TicksPerHour + mi * TimeSpan.TicksPerMinute + se * TimeSpan.TicksPerSecond;
        }

        // A hexadecimal field ("400" or "0x400"); -1 when it is not one.
        [MethodImpl(Jit.Optimized)]
        long Hex(int s, int len)
        {
            if (len > 2 && buf[s] == (byte)'0' && (buf[s + 1] == (byte)'x' || buf[s + 1] == (byte)'X')) { s += 2; len -= 2; }
            if (len == 0 || len > 8) return -1;
            long v = 0;
            for (int i = s; i < s + len; i++)
            {
                int b = buf[i], d;
                if (b >= '0' && b <= '9') d = b - '0';
                else if (b >= 'a' && b <= 'f') d = b - 'a' + 10;
                else if (b >= 'A' && b <= 'F') d = b - 'A' + 10;
                else return -1;
                v = v * 16 + d;
            }
            return v;
        }

        // CRYPT_PROTOCOL is an SP_PROT_* value (schannel.h): the server side of each version, the client side too.
        [MethodImpl(Jit.Optimized)]
        static string ProtocolName(long v)
        {
            switch (v)
            {
                case 0x4: case 0x8: return "SSL 2.0";
                case 0x10: case 0x20: return "SSL 3.0";
                case 0x40: case 0x80: return "TLS 1.0";
                case 0x100: case 0x200: return "TLS 1.1";
                case 0x400: case 0x800: return "TLS 1.2";
                case 0x1000: case 0x2000: return "TLS 1.3";
                default: return "0x" + v.ToString("x", CultureInfo.InvariantCulture);
            }
        }

        // The cipher key (see TryTlsSuccess) from the ALG_ID fields (wincrypt.h), names as SMTP logs print them.
        [MethodImpl(Jit.Optimized)]
        string IisCipher(string version)
        {
            return version + "\u001f" + AlgName(iCipher) + "\u001f" + BulkBits(iCipher) + "\u001f" + AlgName(iHash) + "\u001f" + AlgName(iKx) + "\u001f";
        }

        [MethodImpl(Jit.Optimized)]
        string AlgName(int field)
        {
            if (field < 0 || field >= fCount || fLen[field] == 0 || (fLen[field] == 1 && buf[fStart[field]] == (byte)'-')) return "";
            long v = Hex(fStart[field], fLen[field]);
            switch (v)
            {
                case 0x6801: return "CALG_RC4";
                case 0x6603: return "CALG_3DES";
                case 0x660e: return "CALG_AES_128";
                case 0x660f: return "CALG_AES_192";
                case 0x6610: return "CALG_AES_256";
                case 0x8003: return "CALG_MD5";
                case 0x8004: return "CALG_SHA1";
                case 0x800c: return "CALG_SHA_256";
                case 0x800d: return "CALG_SHA_384";
                case 0x800e: return "CALG_SHA_512";
                case 0xa400: return "CALG_RSA_KEYX";
                case 0xaa02: return "CALG_DH_EPHEM";
                case 0xae06: return "CALG_ECDH_EPHEM";
                case 0xaa05: return "CALG_ECDH";
                default: return v < 0 ? "" : "0x" + v.ToString("x", CultureInfo.InvariantCulture);
            }
        }

        [MethodImpl(Jit.Optimized)]
        string BulkBits(int field)
        {
            if (field < 0 || field >= fCount) return "";
            long v = Hex(fStart[field], fLen[field]);
            if (v == 0x660e) return "128";
            if (v == 0x660f) return "192";
            if (v == 0x6610) return "256";
            if (v == 0x6603) return "168";
            return "";
        }

        // The "https" object of protocolLogs (schemas/protocol-logs.schema.json) as JSON text.
        [MethodImpl(Jit.Optimized)]
        public string ToIisJson()
        {
            sw.Start();
            System.Collections.Generic.List<Peer> all = new System.Collections.Generic.List<Peer>(peers.Values);
            all.Sort(delegate (Peer a, Peer b)
            {
                int c = (b.Legacy > 0).CompareTo(a.Legacy > 0);
                if (c == 0) c = b.Sessions.CompareTo(a.Sessions);
                if (c == 0) c = ComparePeerKeys(a, b);
                return c;
            });
            long omitted = 0, omittedRequests = 0;
            if (all.Count > MaxOutputPeers)
            {
                for (int i = MaxOutputPeers; i < all.Count; i++) { omitted++; omittedRequests += all[i].Sessions; }
                all.RemoveRange(MaxOutputPeers, all.Count - MaxOutputPeers);
            }
            all.Sort(ComparePeerKeys);
            long requests = 0, legacy = 0, legacyClients = 0;
            System.Collections.Generic.SortedDictionary<string, long> versions = new System.Collections.Generic.SortedDictionary<string, long>(StringComparer.Ordinal);
            foreach (Peer p in peers.Values)
            {
                requests += p.Sessions; legacy += p.Legacy;
                if (p.Legacy > 0) legacyClients++;
                for (int i = 0; i < p.VersionCount; i++)
                {
                    long c;
                    versions.TryGetValue(p.Versions[i], out c);
                    versions[p.Versions[i]] = c + p.VersionSessions[i];
                }
            }

            JsonText j = new JsonText();
            j.BeginObject();
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
                j.Name("site").Value(f.Service);
                j.Name("exists").Value(f.Exists);
                j.Name("logFiles").Value(f.LogFiles);
                j.Name("filesScanned").Value(f.FilesScanned);
                j.Name("bytesScanned").Value(f.BytesScanned);
                j.EndObject();
            }
            j.EndArray();
            j.Name("summary").BeginObject();
            j.Name("clients").Value((long)peers.Count);
            j.Name("requests").Value(requests);
            j.Name("tlsVersions").BeginObject();
            foreach (System.Collections.Generic.KeyValuePair<string, long> kv in versions) j.Name(kv.Key).Value(kv.Value);
            j.EndObject();
            j.Name("legacyTlsRequests").Value(legacy);
            j.Name("clientsWithLegacyTls").Value(legacyClients);
            j.Name("plainRequests").Value(plainRequests);
            j.Name("requestsWithoutTlsFields").Value(requestsWithoutTlsFields);
            j.Name("filesWithTlsFields").Value(filesWithTls);
            j.Name("filesWithoutTlsFields").Value(filesWithoutTls);
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
            j.Name("dataLines").Value(dataLines);
            j.Name("linesOutsideWindow").Value(outsideWindow);
            j.Name("badLines").Value(badLines);
            j.Name("badLineReasons").BeginObject();
            foreach (System.Collections.Generic.KeyValuePair<string, long> kv in badReasons) j.Name(kv.Key).Value(kv.Value);
            j.EndObject();
            j.Name("durationMs").Value(sw.ElapsedMilliseconds);
            j.EndObject();
            j.Name("limits").BeginObject();
            j.Name("maxTrackedClients").Value(MaxTrackedPeers);
            j.Name("maxOutputClients").Value(MaxOutputPeers);
            j.Name("clientsOmitted").Value(omitted);
            j.Name("clientsOmittedRequests").Value(omittedRequests);
            j.Name("requestsUntracked").Value(requestsUntracked);
            j.EndObject();
            j.Name("clients").BeginArray();
            foreach (Peer p in all)
            {
                j.BeginObject();
                j.Name("site").Value(p.Service);
                j.Name("remoteAddress").Value(p.Remote);
                WriteNames(j, p);
                j.Name("requests").Value(p.Sessions);
                int[] order = SortedIndexes(p.Versions, p.VersionCount);
                j.Name("tlsVersions").BeginObject();
                foreach (int i in order) j.Name(p.Versions[i]).Value(p.VersionSessions[i]);
                j.EndObject();
                j.Name("tlsLastSeen").BeginObject();
                foreach (int i in order) j.Name(p.Versions[i]).Value(Iso(p.VersionLast[i]));
                j.EndObject();
                j.Name("legacyTlsRequests").Value(p.Legacy);
                WriteCiphers(j, p);
                j.Name("firstSeen").Value(Iso(p.First));
                j.Name("lastSeen").Value(Iso(p.Last));
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
    }
}
