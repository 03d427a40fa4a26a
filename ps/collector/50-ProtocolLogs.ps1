# SMTP protocol-log evidence (issue 3): who still negotiates TLS 1.0/1.1 with this server, who sends mail in
# clear text, and which TLS errors the connectors log. Shape: schemas/protocol-logs.schema.json,
# docs/protocol-log-evidence.md.
#
# The scanner core is C# compiled with Add-Type: a PowerShell pipeline over gigabytes of logs is far too slow.
# It must compile on Windows PowerShell 5.1, whose Add-Type uses the .NET Framework C# 5 compiler: no string
# interpolation, ?., expression-bodied members, out var, tuples or nameof (on PowerShell 7 we compile with
# -langversion:5 so the same rule is enforced everywhere), and only .NET Framework 4.5 APIs (no Span, no LINQ).
# The type name carries a version so that a persistent runspace holding an older build never uses it.

$script:ExTlsProtocolLogScannerSource = @'
using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;

namespace ExTlsProtocolLogs1
{
    internal sealed class LogFolder
    {
        public string Path;
        public string Source;
        public string Service;
        public bool Exists;
        public int LogFiles;
        public int FilesScanned;
        public long BytesScanned;
        public List<LogFile> Files = new List<LogFile>();
    }

    internal sealed class LogFile
    {
        public string FullName;
        public string Name;
        public LogFolder Folder;
        public long Length;
        public long SortTicks;
        public int Seq;
        public int NameDirection;   // 0 unknown, 1 receive, 2 send
        public long Allowance;      // bytes we may read (the byte budget may cut the oldest selected file)
        public bool Partial;
    }

    internal sealed class Session
    {
        public string Connector;
        public string Remote;
        public int Direction;
        public long First;
        public long Last;
        public bool StartTls;
        public bool Mail;
        public string Version;
        public string Cipher;
    }

    // The scanner's methods (all but one-liners) are marked [MethodImpl(Jit.Optimized)]. On PowerShell 7 that is
    // AggressiveOptimization: compiled fully optimized at the first call. Otherwise .NET compiles a method twice,
    // quick code first and optimized code later on a thread of its own, whose compiler memory then stays with the
    // process (about 10 MB for a large scan), and the hot loop starts slow. .NET Framework (Windows PowerShell 5.1)
    // has no such flag: nothing there.
    internal static class Jit
    {
#if EXTLS_CORE
        public const MethodImplOptions Optimized = (MethodImplOptions)512;
#else
        public const MethodImplOptions Optimized = (MethodImplOptions)0;
#endif
    }

    // Open-addressing map session key -> session (linear probing, backward-shift delete). Our own code rather than
    // Dictionary<ulong, Session>: on PowerShell 7 a BCL generic over our types starts as slow tier-0 code, and this
    // lookup runs for every line.
    internal sealed class SessionTable
    {
        ulong[] keys = new ulong[1024];
        Session[] values = new Session[1024];
        int count;
        public int Count { get { return count; } }

        [MethodImpl(Jit.Optimized)]
        public Session Get(ulong key)
        {
            int mask = keys.Length - 1;
            int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
            while (true)
            {
                Session v = values[i];
                if (v == null) return null;
                if (keys[i] == key) return v;
                i = (i + 1) & mask;
            }
        }

        [MethodImpl(Jit.Optimized)]
        public void Add(ulong key, Session value)
        {
            if ((count + 1) * 2 > keys.Length) Grow();
            Insert(key, value);
            count++;
        }

        [MethodImpl(Jit.Optimized)]
        void Insert(ulong key, Session value)
        {
            int mask = keys.Length - 1;
            int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
            while (values[i] != null) i = (i + 1) & mask;
            keys[i] = key; values[i] = value;
        }

        [MethodImpl(Jit.Optimized)]
        void Grow()
        {
            ulong[] ok = keys; Session[] ov = values;
            keys = new ulong[ok.Length * 2]; values = new Session[ok.Length * 2];
            for (int i = 0; i < ok.Length; i++) if (ov[i] != null) Insert(ok[i], ov[i]);
        }

        [MethodImpl(Jit.Optimized)]
        public void Remove(ulong key)
        {
            int mask = keys.Length - 1;
            int i = (int)((key * 0x9E3779B97F4A7C15UL) >> 40) & mask;
            while (true)
            {
                if (values[i] == null) return;
                if (keys[i] == key) break;
                i = (i + 1) & mask;
            }
            values[i] = null; count--;
            // shift back the entries of the probe run that follows
            int j = i;
            while (true)
            {
                j = (j + 1) & mask;
                if (values[j] == null) return;
                int home = (int)((keys[j] * 0x9E3779B97F4A7C15UL) >> 40) & mask;
                bool between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
                if (between) continue;
                keys[i] = keys[j]; values[i] = values[j]; values[j] = null;
                i = j;
            }
        }

        [MethodImpl(Jit.Optimized)]
        public List<KeyValuePair<ulong, Session>> Entries()
        {
            List<KeyValuePair<ulong, Session>> l = new List<KeyValuePair<ulong, Session>>(count);
            for (int i = 0; i < keys.Length; i++) if (values[i] != null) l.Add(new KeyValuePair<ulong, Session>(keys[i], values[i]));
            return l;
        }

        [MethodImpl(Jit.Optimized)]
        public void Clear()
        {
            Array.Clear(values, 0, values.Length);
            count = 0;
        }
    }

    // TLS versions and ciphers are a handful per peer: short parallel arrays searched in order, not dictionaries
    // (tens of thousands of peers with three dictionaries each were a good part of the scan's heap).
    internal sealed class Peer
    {
        public string Direction, Service, Connector, Remote;
        public long Sessions, MailSessions, NoTls, StartTlsNoHandshake, MailNoTls, Legacy, CipherOverflow;
        public long First = long.MaxValue, Last = long.MinValue;
        public int VersionCount, CipherCount;
        public string[] Versions;                    // "TLS 1.0", ...; same index in VersionSessions, VersionLast
        public long[] VersionSessions, VersionLast;
        public string[] Ciphers;                     // cipher keys (see TryTlsSuccess); same index in CipherSessions
        public long[] CipherSessions;

        [MethodImpl(Jit.Optimized)]
        public void AddVersion(string version, long last)
        {
            for (int i = 0; i < VersionCount; i++)
            {
                if (!String.Equals(Versions[i], version)) continue;
                VersionSessions[i]++;
                if (last > VersionLast[i]) VersionLast[i] = last;
                return;
            }
            if (Versions == null) { Versions = new string[2]; VersionSessions = new long[2]; VersionLast = new long[2]; }
            else if (VersionCount == Versions.Length)
            {
                Array.Resize(ref Versions, VersionCount * 2); Array.Resize(ref VersionSessions, VersionCount * 2); Array.Resize(ref VersionLast, VersionCount * 2);
            }
            Versions[VersionCount] = version; VersionSessions[VersionCount] = 1; VersionLast[VersionCount] = last;
            VersionCount++;
        }

        // False when the cipher is new and the peer already has max of them.
        [MethodImpl(Jit.Optimized)]
        public bool AddCipher(string cipher, int max)
        {
            for (int i = 0; i < CipherCount; i++)
                if (String.Equals(Ciphers[i], cipher)) { CipherSessions[i]++; return true; }
            if (CipherCount >= max) return false;
            if (Ciphers == null) { Ciphers = new string[2]; CipherSessions = new long[2]; }
            else if (CipherCount == Ciphers.Length) { Array.Resize(ref Ciphers, CipherCount * 2); Array.Resize(ref CipherSessions, CipherCount * 2); }
            Ciphers[CipherCount] = cipher; CipherSessions[CipherCount] = 1;
            CipherCount++;
            return true;
        }
    }

    // Peer identity without building a string per session (the strings are cached instances).
    internal struct PeerKey : IEquatable<PeerKey>
    {
        public int Direction;
        public string Service, Connector, Remote;
        [MethodImpl(Jit.Optimized)]
        public bool Equals(PeerKey o)
        {
            return Direction == o.Direction && String.Equals(Service, o.Service) && String.Equals(Connector, o.Connector) && String.Equals(Remote, o.Remote);
        }
        public override bool Equals(object o) { return o is PeerKey && Equals((PeerKey)o); }
        [MethodImpl(Jit.Optimized)]
        public override int GetHashCode()
        {
            int h = Direction;
            h = h * 31 + (Service == null ? 0 : Service.GetHashCode());
            h = h * 31 + (Connector == null ? 0 : Connector.GetHashCode());
            h = h * 31 + (Remote == null ? 0 : Remote.GetHashCode());
            return h;
        }
    }

    // Error group identity; like PeerKey, no string is built per error line.
    internal struct ErrorKey : IEquatable<ErrorKey>
    {
        public int Direction;
        public string Kind, Signature, Service, Connector, Remote;
        [MethodImpl(Jit.Optimized)]
        public bool Equals(ErrorKey o)
        {
            return Direction == o.Direction && String.Equals(Kind, o.Kind) && String.Equals(Signature, o.Signature) && String.Equals(Service, o.Service)
                && String.Equals(Connector, o.Connector) && String.Equals(Remote, o.Remote);
        }
        public override bool Equals(object o) { return o is ErrorKey && Equals((ErrorKey)o); }
        [MethodImpl(Jit.Optimized)]
        public override int GetHashCode()
        {
            int h = Direction;
            h = h * 31 + (Kind == null ? 0 : Kind.GetHashCode());
            h = h * 31 + (Signature == null ? 0 : Signature.GetHashCode());
            h = h * 31 + (Service == null ? 0 : Service.GetHashCode());
            h = h * 31 + (Connector == null ? 0 : Connector.GetHashCode());
            h = h * 31 + (Remote == null ? 0 : Remote.GetHashCode());
            return h;
        }
    }

    internal sealed class ErrorGroup
    {
        public string Kind, Code, Signature, Direction, Service, Connector, Remote;
        public long Count;
        public long First = long.MaxValue, Last = long.MinValue;
        public List<Sample> Samples = new List<Sample>();
    }

    internal sealed class Sample
    {
        public string File, Reason, Text;
        public long Line;
    }

    internal sealed class FileError
    {
        public string Path, Message;
    }

    // The result is written as JSON text here rather than returned as objects for PowerShell's ConvertTo-Json:
    // thousands of peers and error groups as dictionaries, then wrapped again by ConvertTo-Json, were the
    // collector's last memory peak. Compact output, strings escaped as JSON requires (other characters as is).
    internal sealed class JsonText
    {
        readonly StringBuilder sb = new StringBuilder(1 << 16);
        readonly bool[] hasItems = new bool[32];
        int depth;
        bool afterName;

        [MethodImpl(Jit.Optimized)]
        void Separator()
        {
            if (afterName) { afterName = false; return; }
            if (hasItems[depth]) sb.Append(',');
            hasItems[depth] = true;
        }

        [MethodImpl(Jit.Optimized)]
        public JsonText Name(string name)
        {
            Separator();
            Quoted(name);
            sb.Append(':');
            afterName = true;
            return this;
        }

        public void BeginObject() { Separator(); sb.Append('{'); hasItems[++depth] = false; }
        public void EndObject() { sb.Append('}'); depth--; }
        public void BeginArray() { Separator(); sb.Append('['); hasItems[++depth] = false; }
        public void EndArray() { sb.Append(']'); depth--; }
        public void Null() { Separator(); sb.Append("null"); }
        public void Value(bool v) { Separator(); sb.Append(v ? "true" : "false"); }
        public void Value(long v) { Separator(); sb.Append(v.ToString(CultureInfo.InvariantCulture)); }
        public void Value(double v) { Separator(); sb.Append(v.ToString("R", CultureInfo.InvariantCulture)); }
        [MethodImpl(Jit.Optimized)]
        public void Value(string v)
        {
            Separator();
            if (v == null) sb.Append("null");
            else Quoted(v);
        }

        [MethodImpl(Jit.Optimized)]
        void Quoted(string v)
        {
            sb.Append('"');
            int run = 0;
            for (int i = 0; i < v.Length; i++)
            {
                char c = v[i];
                if (c >= ' ' && c != '"' && c != '\\') continue;
                sb.Append(v, run, i - run);
                run = i + 1;
                switch (c)
                {
                    case '"': sb.Append("\\\""); break;
                    case '\\': sb.Append("\\\\"); break;
                    case '\n': sb.Append("\\n"); break;
                    case '\r': sb.Append("\\r"); break;
                    case '\t': sb.Append("\\t"); break;
                    case '\b': sb.Append("\\b"); break;
                    case '\f': sb.Append("\\f"); break;
                    default: sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                }
            }
            sb.Append(v, run, v.Length - run);
            sb.Append('"');
        }

        public override string ToString() { return sb.ToString(); }
    }

    public sealed class Scanner
    {
        // Bounds that keep memory flat whatever the log volume; each overflow is counted in the output.
        public int MaxTrackedPeers = 50000;
        public int MaxOutputPeers = 1000;
        public int MaxErrorGroups = 1000;
        public int MaxSamplesPerError = 3;
        public int MaxSampleChars = 500;
        public int MaxOpenSessions = 50000;
        public int MaxCiphersPerPeer = 8;
        public int MaxBadLineSamples = 5;
        public int MaxFileErrors = 10;
        public int MaxFolderDepth = 5;
        public int BufferSize = 1 << 20;   // also the longest line we accept

        const int DirUnknown = 0, DirReceive = 1, DirSend = 2;
        static readonly string[] DirNames = new string[] { "unknown", "receive", "send" };
        static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);   // lossy: invalid bytes become U+FFFD

        long refTicks, windowStart, byteBudget;
        double logDays;
        string refText;

        readonly List<LogFolder> folders = new List<LogFolder>();
        readonly Dictionary<PeerKey, Peer> peers = new Dictionary<PeerKey, Peer>();
        // Caches so that the steady state allocates almost nothing (memory stays flat, the GC stays idle).
        Dictionary<ulong, string> addressCache = new Dictionary<ulong, string>();
        Dictionary<ulong, string[]> tlsCache = new Dictionary<ulong, string[]>();
        Stack<Session> sessionPool = new Stack<Session>();
        readonly Dictionary<ErrorKey, ErrorGroup> errors = new Dictionary<ErrorKey, ErrorGroup>();
        Dictionary<ulong, string> signatureCache = new Dictionary<ulong, string>();
        char[] textChars = new char[256];   // an error text decoded, then its signature: scratch, no string per line
        char[] sigChars = new char[256];
        SessionTable sessions = new SessionTable();
        Dictionary<ulong, string> connectorCache = new Dictionary<ulong, string>();
        readonly List<Sample> badSamples = new List<Sample>();
        readonly List<FileError> fileErrors = new List<FileError>();
        readonly SortedDictionary<string, long> badReasons = new SortedDictionary<string, long>(StringComparer.Ordinal);

        // statistics
        long filesFound, filesScanned, filesSkippedWindow, filesSkippedBudget, filesPartial, filesVanished, filesFailed;
        long bytesScanned, bytesSkippedBudget, lines, headerLines, dataLines, blankLines, outsideWindow, badLines, partialLines;
        long sessionsTotal, sessionsUnclosed, sessionsSwept, sessionsUntracked, errorLines, errorLinesUntracked;
        bool truncated;
        string truncatedReason;
        string status = "scanned", message;
        readonly Stopwatch sw = new Stopwatch();

        // per-file parse state
        byte[] buf;
        int[] fStart = new int[64];
        int[] fLen = new int[64];
        bool[] fQuoted = new bool[64];
        int fCount;
        int iDate, iConnector, iSession, iRemote, iEvent, iData, iContext, iLast, iRequired;
        bool haveFields;
        int fileDirection;
        LogFolder curFolder;
        LogFile curFile;
        long curLineNo;
        long cachedDayKey = -1, cachedDayTicks;

        // Two steps: Run() scans, ToJson() gives the protocolLogs object (schemas/protocol-logs.schema.json) as JSON
        // text. In between the caller can let the scan's working state go before the text is built.
        [MethodImpl(Jit.Optimized)]
        public void Run(string[] roots, string[] sources, string referenceTime, double days, long budget)
        {
            sw.Start();
            DateTime rt;
            if (!DateTime.TryParse(referenceTime, CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out rt))
                throw new ArgumentException("referenceTime '" + referenceTime + "' is not a date-time");
            refTicks = rt.Ticks;
            logDays = days;
            windowStart = refTicks - (long)(days * TimeSpan.TicksPerDay);
            byteBudget = budget;
            refText = Iso(refTicks);

            DiscoverFolders(roots, sources);
            bool anyExists = false;
            foreach (LogFolder f in folders) if (f.Exists) anyExists = true;
            if (!anyExists)
            {
                status = "no-log-folders"; message = "none of the protocol-log folders exists";
                DropWorkingState();
                return;
            }

            SelectFiles();
            buf = new byte[BufferSize];
            foreach (LogFolder folder in folders)
            {
                if (folder.Files.Count == 0) continue;
                folder.Files.Sort(CompareOldestFirst);
                curFolder = folder;
                foreach (LogFile file in folder.Files) ScanFile(file);
                // Sessions still open: the newest file is being written, or a session crossed the window edge.
                FinishAllSessions(true);
            }
            DropWorkingState();
        }

        // What only the scan needs (caches, open sessions, the read buffer) becomes garbage; the clock stops until
        // ToJson() (a collection the caller runs in between is not scan time).
        [MethodImpl(Jit.Optimized)]
        void DropWorkingState()
        {
            buf = null; sessions = null; sessionPool = null; textChars = null; sigChars = null;
            addressCache = null; connectorCache = null; tlsCache = null; signatureCache = null;
            sw.Stop();
        }

        // ---------- discovery and selection ----------

        [MethodImpl(Jit.Optimized)]
        void DiscoverFolders(string[] roots, string[] sources)
        {
            // Dictionary, not HashSet: HashSet lives in System.Core, which 5.1's Add-Type does not reference.
            Dictionary<string, bool> seen = new Dictionary<string, bool>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < roots.Length; i++)
            {
                string root = roots[i];
                string source = (sources != null && i < sources.Length) ? sources[i] : "option";
                if (String.IsNullOrEmpty(root) || !AddSeen(seen, root)) continue;
                if (!Directory.Exists(root))
                {
                    LogFolder missing = new LogFolder();
                    missing.Path = root; missing.Source = source; missing.Service = ServiceOf(root); missing.Exists = false;
                    folders.Add(missing);
                    continue;
                }
                int before = folders.Count;
                Walk(root, source, 0, seen);
                if (folders.Count == before)
                {
                    LogFolder empty = new LogFolder();
                    empty.Path = root; empty.Source = source; empty.Service = ServiceOf(root); empty.Exists = true;
                    folders.Add(empty);
                }
            }
        }

        // A folder override may point at a parent (e.g. ...\Logs); every folder below that holds .LOG files counts.
        [MethodImpl(Jit.Optimized)]
        static bool AddSeen(Dictionary<string, bool> seen, string key)
        {
            if (seen.ContainsKey(key)) return false;
            seen[key] = true;
            return true;
        }

        [MethodImpl(Jit.Optimized)]
        void Walk(string dir, string source, int depth, Dictionary<string, bool> seen)
        {
            List<string> logs = new List<string>();
            string[] subdirs = new string[0];
            try
            {
                foreach (string f in Directory.GetFiles(dir))
                    if (f.EndsWith(".log", StringComparison.OrdinalIgnoreCase)) logs.Add(f);
                if (depth < MaxFolderDepth) subdirs = Directory.GetDirectories(dir);
            }
            catch (Exception e) { AddFileError(dir, e); }
            if (logs.Count > 0)
            {
                LogFolder folder = new LogFolder();
                folder.Path = dir; folder.Source = source; folder.Service = ServiceOf(dir); folder.Exists = true;
                folder.LogFiles = logs.Count;
                folders.Add(folder);
                foreach (string path in logs) AddFile(folder, path);
            }
            Array.Sort(subdirs, StringComparer.Ordinal);
            foreach (string sub in subdirs)
                if (AddSeen(seen, sub)) Walk(sub, source, depth + 1, seen);
        }

        [MethodImpl(Jit.Optimized)]
        void AddFile(LogFolder folder, string path)
        {
            filesFound++;
            LogFile lf = new LogFile();
            lf.FullName = path; lf.Name = System.IO.Path.GetFileName(path); lf.Folder = folder;
            DateTime lastWrite;
            try
            {
                FileInfo fi = new FileInfo(path);
                if (!fi.Exists) { filesVanished++; return; }
                lf.Length = fi.Length;
                lastWrite = fi.LastWriteTimeUtc;
            }
            catch (Exception e) { filesFailed++; AddFileError(path, e); return; }

            long nameTicks, period;
            ParseName(lf, out nameTicks, out period);
            // Generous slack (a day) because a file can outlive its name's hour and names may be local time.
            bool outside;
            if (nameTicks > 0)
                outside = nameTicks + period + TimeSpan.TicksPerDay < windowStart || nameTicks - TimeSpan.TicksPerDay > refTicks;
            else
                outside = false;
            if (lastWrite.Ticks < windowStart) outside = true;
            if (outside) { filesSkippedWindow++; return; }
            lf.SortTicks = nameTicks > 0 ? nameTicks : lastWrite.Ticks;
            folder.Files.Add(lf);
        }

        // RECVyyyyMMddHH-n.LOG, RECVyyyyMMdd-n.LOG, SEND... (Exchange's names).
        [MethodImpl(Jit.Optimized)]
        static void ParseName(LogFile lf, out long ticks, out long period)
        {
            ticks = 0; period = 0;
            string n = lf.Name;
            int i = 0;
            if (n.StartsWith("RECV", StringComparison.OrdinalIgnoreCase)) { lf.NameDirection = DirReceive; i = 4; }
            else if (n.StartsWith("SEND", StringComparison.OrdinalIgnoreCase)) { lf.NameDirection = DirSend; i = 4; }
            else { while (i < n.Length && !Char.IsDigit(n[i])) i++; }
            int j = i;
            while (j < n.Length && n[j] >= '0' && n[j] <= '9') j++;
            int digits = j - i;
            if (digits != 8 && digits != 10) return;
            int y = Int32.Parse(n.Substring(i, 4), CultureInfo.InvariantCulture);
            int mo = Int32.Parse(n.Substring(i + 4, 2), CultureInfo.InvariantCulture);
            int d = Int32.Parse(n.Substring(i + 6, 2), CultureInfo.InvariantCulture);
            int h = digits == 10 ? Int32.Parse(n.Substring(i + 8, 2), CultureInfo.InvariantCulture) : 0;
            if (y < 1990 || y > 9000 || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23) return;
            ticks = new DateTime(y, mo, d, h, 0, 0, DateTimeKind.Utc).Ticks;
            period = digits == 10 ? TimeSpan.TicksPerHour : TimeSpan.TicksPerDay;
            if (j < n.Length && n[j] == '-')
            {
                int k = j + 1, seq = 0;
                while (k < n.Length && n[k] >= '0' && n[k] <= '9' && seq < 100000000) { seq = seq * 10 + (n[k] - '0'); k++; }
                lf.Seq = seq;
            }
        }

        [MethodImpl(Jit.Optimized)]
        static int CompareOldestFirst(LogFile a, LogFile b)
        {
            int c = a.SortTicks.CompareTo(b.SortTicks);
            if (c != 0) return c;
            c = a.Seq.CompareTo(b.Seq);
            if (c != 0) return c;
            return String.CompareOrdinal(a.Name, b.Name);
        }

        // The byte budget goes to the newest files first: recent evidence matters most ("last seen").
        [MethodImpl(Jit.Optimized)]
        void SelectFiles()
        {
            List<LogFile> all = new List<LogFile>();
            foreach (LogFolder f in folders) all.AddRange(f.Files);
            all.Sort(delegate (LogFile a, LogFile b) { return CompareOldestFirst(b, a); });
            long remaining = byteBudget;
            foreach (LogFolder f in folders) f.Files.Clear();
            foreach (LogFile lf in all)
            {
                if (lf.Length <= remaining) { lf.Allowance = lf.Length; remaining -= lf.Length; }
                else if (remaining > 0) { lf.Allowance = remaining; lf.Partial = true; remaining = 0; filesPartial++; MarkTruncated(); bytesSkippedBudget += lf.Length - lf.Allowance; }
                else { filesSkippedBudget++; bytesSkippedBudget += lf.Length; MarkTruncated(); continue; }
                lf.Folder.Files.Add(lf);
            }
        }

        void MarkTruncated() { truncated = true; truncatedReason = "byte-budget"; }

        [MethodImpl(Jit.Optimized)]
        static string ServiceOf(string path)
        {
            string[] parts = path.Split(new char[] { '\\', '/' }, StringSplitOptions.RemoveEmptyEntries);
            for (int i = parts.Length - 1; i >= 1; i--)
            {
                if (!parts[i].Equals("ProtocolLog", StringComparison.OrdinalIgnoreCase)) continue;
                string s = KnownService(parts[i - 1]);
                if (s != null) return s;
                if (parts[i - 1].Equals("Logs", StringComparison.OrdinalIgnoreCase)) return "Transport";   // Exchange 2010 layout
            }
            for (int i = parts.Length - 1; i >= 0; i--)
            {
                string s = KnownService(parts[i]);
                if (s != null) return s;
            }
            return "unknown";
        }

        [MethodImpl(Jit.Optimized)]
        static string KnownService(string p)
        {
            string[] names = new string[] { "FrontEnd", "Hub", "Mailbox", "Edge" };
            foreach (string n in names) if (p.Equals(n, StringComparison.OrdinalIgnoreCase)) return n;
            return null;
        }

        // ---------- reading ----------

        [MethodImpl(Jit.Optimized)]
        void ScanFile(LogFile lf)
        {
            curFile = lf;
            FileStream fs;
            try
            {
                // ReadWrite|Delete sharing: the transport service keeps the newest file open for writing and
                // deletes old files while we read (circular logging).
                fs = new FileStream(lf.FullName, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException) { filesVanished++; return; }
            catch (DirectoryNotFoundException) { filesVanished++; return; }
            catch (Exception e) { filesFailed++; AddFileError(lf.FullName, e); return; }

            filesScanned++;
            lf.Folder.FilesScanned++;
            haveFields = false;
            fileDirection = lf.NameDirection != DirUnknown ? lf.NameDirection : FolderDirection(lf.Folder.Path);
            curLineNo = 0;
            long readTotal = 0;
            int filled = 0, pos = 0, scanFrom = 0;
            bool skipping = false;   // inside an over-long line
            try
            {
                using (fs)
                {
                    while (true)
                    {
                        if (pos > 0)
                        {
                            Buffer.BlockCopy(buf, pos, buf, 0, filled - pos);
                            filled -= pos; scanFrom -= pos; pos = 0;
                        }
                        long want = Math.Min((long)(buf.Length - filled), lf.Allowance - readTotal);
                        if (want <= 0)
                        {
                            if (readTotal >= lf.Allowance) break;   // allowance used up (budget cut, or the size listed)
                            // buffer full without a newline: an over-long line, counted once and skipped
                            if (!skipping) { curLineNo++; lines++; Bad("lineTooLong", 0, 0); }
                            skipping = true; filled = 0; scanFrom = 0;
                            continue;
                        }
                        int n = fs.Read(buf, filled, (int)want);
                        if (n <= 0) break;
                        readTotal += n;
                        bytesScanned += n;
                        lf.Folder.BytesScanned += n;
                        filled += n;
                        while (true)
                        {
                            int nl = Array.IndexOf<byte>(buf, (byte)'\n', scanFrom, filled - scanFrom);
                            if (nl < 0) { scanFrom = filled; break; }
                            if (skipping) skipping = false;
                            else
                            {
                                int end = nl;
                                if (end > pos && buf[end - 1] == (byte)'\r') end--;
                                ProcessLine(pos, end - pos);
                            }
                            pos = nl + 1;
                            scanFrom = pos;
                        }
                        if (skipping) { pos = filled; scanFrom = filled; }
                    }
                }
            }
            catch (IOException e) { filesFailed++; AddFileError(lf.FullName, e); }
            catch (UnauthorizedAccessException e) { filesFailed++; AddFileError(lf.FullName, e); }
            // An unterminated last line: the writer is mid-line, or the budget cut here. Not data, not "bad".
            if (!skipping && filled > pos) partialLines++;
        }

        [MethodImpl(Jit.Optimized)]
        static int FolderDirection(string path)
        {
            string p = path.Replace('/', '\\');
            if (p.IndexOf("\\SmtpReceive", StringComparison.OrdinalIgnoreCase) >= 0) return DirReceive;
            if (p.IndexOf("\\SmtpSend", StringComparison.OrdinalIgnoreCase) >= 0) return DirSend;
            return DirUnknown;
        }

        [MethodImpl(Jit.Optimized)]
        void ProcessLine(int start, int len)
        {
            curLineNo++;
            lines++;
            if (len == 0) { blankLines++; return; }
            if (buf[start] == (byte)'#') { headerLines++; Header(Utf8.GetString(buf, start, len)); return; }
            if (!haveFields) { Bad("noFieldsHeader", start, len); return; }
            if (!Split(start, len)) { Bad("unterminatedQuote", start, len); return; }
            if (fCount <= iRequired) { Bad("tooFewFields", start, len); return; }
            long t = ParseTime(fStart[iDate], fLen[iDate]);
            if (t < 0) { Bad("badDateTime", start, len); return; }
            if (fLen[iSession] == 0) { Bad("missingSessionId", start, len); return; }
            if (fLen[iEvent] != 1) { Bad("badEvent", start, len); return; }
            byte ev = buf[fStart[iEvent]];
            if (ev != (byte)'+' && ev != (byte)'-' && ev != (byte)'<' && ev != (byte)'>' && ev != (byte)'*') { Bad("badEvent", start, len); return; }
            dataLines++;
            if (t < windowStart || t > refTicks) { outsideWindow++; return; }

            ulong key = SessionKey(fStart[iSession], fLen[iSession]);
            Session s = sessions.Get(key);
            if (s == null)
            {
                s = sessionPool.Count > 0 ? sessionPool.Pop() : new Session();
                s.Remote = null; s.Last = 0; s.StartTls = false; s.Mail = false; s.Version = null; s.Cipher = null;
                s.Connector = iConnector >= 0 && iConnector < fCount ? CachedString(fStart[iConnector], fLen[iConnector], fQuoted[iConnector]) : "";
                s.Direction = fileDirection;
                s.First = t;
                sessions.Add(key, s);
                if (sessions.Count > MaxOpenSessions) Sweep(t);
            }
            if (t > s.Last) s.Last = t;
            if (t < s.First) s.First = t;
            if (s.Remote == null && iRemote >= 0 && iRemote < fCount && fLen[iRemote] > 0)
                s.Remote = CachedAddress(fStart[iRemote], fLen[iRemote]);

            if (ev == (byte)'-') { Finish(s); sessions.Remove(key); Recycle(s); return; }
            if (ev == (byte)'+') return;

            int ds = 0, dl = 0, cs = 0, cl = 0;
            if (iData >= 0 && iData < fCount) { ds = fStart[iData]; dl = fLen[iData]; }
            if (iContext >= 0 && iContext < fCount) { cs = fStart[iContext]; cl = fLen[iContext]; }

            if (ev != (byte)'*')
            {
                // Commands come from the client: '<' in receive logs, '>' in send logs.
                bool command = s.Direction == DirUnknown || (s.Direction == DirReceive) == (ev == (byte)'<');
                if (command && dl > 0)
                {
                    if (EqualsCI(ds, dl, "STARTTLS") || EqualsCI(ds, dl, "X-ANONYMOUSTLS")) s.StartTls = true;
                    else if (StartsWithCI(ds, dl, "MAIL FROM") || EqualsCI(ds, dl, "DATA") || StartsWithCI(ds, dl, "BDAT ")) s.Mail = true;
                }
                // Error texts are replies or information lines, never the client's commands.
                if (command && s.Direction != DirUnknown) return;
            }
            else
            {
                if (TryTlsSuccess(s, ds, dl) || TryTlsSuccess(s, cs, cl)) return;
            }
            if (!Classify(s, ds, dl, t, start, len)) Classify(s, cs, cl, t, start, len);
        }

        [MethodImpl(Jit.Optimized)]
        void Header(string line)
        {
            if (line.StartsWith("#Fields:", StringComparison.OrdinalIgnoreCase))
            {
                string[] names = line.Substring(8).Split(',');
                iDate = iConnector = iSession = iRemote = iEvent = iData = iContext = -1;
                for (int i = 0; i < names.Length; i++)
                {
                    string n = names[i].Trim().ToLowerInvariant();
                    if (n == "date-time") iDate = i;
                    else if (n == "connector-id") iConnector = i;
                    else if (n == "session-id") iSession = i;
                    else if (n == "remote-endpoint") iRemote = i;
                    else if (n == "event") iEvent = i;
                    else if (n == "data") iData = i;
                    else if (n == "context") iContext = i;
                }
                iLast = names.Length - 1;
                haveFields = iDate >= 0 && iSession >= 0 && iEvent >= 0 && names.Length <= fStart.Length;
                iRequired = Math.Max(iDate, Math.Max(iSession, iEvent));
                if (!haveFields) Bad("unusableFieldsHeader", 0, 0);
            }
            else if (line.StartsWith("#Log-type:", StringComparison.OrdinalIgnoreCase))
            {
                if (line.IndexOf("Receive", StringComparison.OrdinalIgnoreCase) >= 0) fileDirection = DirReceive;
                else if (line.IndexOf("Send", StringComparison.OrdinalIgnoreCase) >= 0) fileDirection = DirSend;
            }
        }

        // CSV as Exchange writes it: a field is quoted only when it holds a comma (or a quote, doubled inside).
        [MethodImpl(Jit.Optimized)]
        bool Split(int start, int len)
        {
            int end = start + len;
            int p = start;
            fCount = 0;
            while (true)
            {
                if (fCount == fStart.Length) return true;   // more fields than any header we accept: ignore the rest
                if (p < end && buf[p] == (byte)'"')
                {
                    int q = p + 1;
                    while (true)
                    {
                        int k = Array.IndexOf<byte>(buf, (byte)'"', q, end - q);
                        if (k < 0) return false;
                        if (k + 1 < end && buf[k + 1] == (byte)'"') { q = k + 2; continue; }
                        fStart[fCount] = p + 1; fLen[fCount] = k - p - 1; fQuoted[fCount] = true; fCount++;
                        p = k + 1;
                        break;
                    }
                    // tolerate junk after the closing quote up to the next comma
                    int c2 = p < end ? Array.IndexOf<byte>(buf, (byte)',', p, end - p) : -1;
                    if (c2 < 0) return true;
                    p = c2 + 1;
                    if (p == end) return true;   // trailing comma
                    continue;
                }
                int c = p < end ? Array.IndexOf<byte>(buf, (byte)',', p, end - p) : -1;
                if (c < 0) { fStart[fCount] = p; fLen[fCount] = end - p; fQuoted[fCount] = false; fCount++; return true; }
                if (fCount == iLast && iLast == iContext)
                {
                    // An unquoted comma inside the last column: keep the rest of the line in it.
                    int e2 = end;
                    while (e2 > p && buf[e2 - 1] == (byte)',') e2--;
                    fStart[fCount] = p; fLen[fCount] = e2 - p; fQuoted[fCount] = false; fCount++;
                    return true;
                }
                fStart[fCount] = p; fLen[fCount] = c - p; fQuoted[fCount] = false; fCount++;
                p = c + 1;
                if (p == end) return true;   // trailing comma: no extra empty field needed
            }
        }

        [MethodImpl(Jit.Optimized)]
        string CachedString(int start, int len, bool quoted)
        {
            ulong h = 14695981039346656037UL;
            for (int i = start; i < start + len; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            string s;
            if (connectorCache.TryGetValue(h, out s)) return s;
            s = Utf8.GetString(buf, start, len);
            if (quoted && s.IndexOf('"') >= 0) s = s.Replace("\"\"", "\"");
            if (connectorCache.Count > 10000) connectorCache.Clear();
            connectorCache[h] = s;
            return s;
        }

        // Session ids are 16 hex digits: the number itself is the key; anything else is hashed.
        [MethodImpl(Jit.Optimized)]
        ulong SessionKey(int start, int len)
        {
            if (len <= 16)
            {
                ulong v = 0;
                bool hex = true;
                for (int i = start; i < start + len; i++)
                {
                    int b = buf[i], d;
                    if (b >= '0' && b <= '9') d = b - '0';
                    else if (b >= 'A' && b <= 'F') d = b - 'A' + 10;
                    else if (b >= 'a' && b <= 'f') d = b - 'a' + 10;
                    else { hex = false; break; }
                    v = (v << 4) | (uint)d;
                }
                if (hex && len == 16) return v;
            }
            ulong h = 14695981039346656037UL;
            for (int i = start; i < start + len; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            return h | 1UL;
        }

        // The address part of an endpoint (IPv4:port, [IPv6]:port), as a cached string.
        [MethodImpl(Jit.Optimized)]
        string CachedAddress(int start, int len)
        {
            int end = start + len;
            while (start < end && buf[start] == (byte)' ') start++;
            while (end > start && buf[end - 1] == (byte)' ') end--;
            if (end == start) return null;
            int colons = 0, colon = -1;
            for (int i = start; i < end; i++) if (buf[i] == (byte)':') { colons++; colon = i; }
            int a = start, b = end;
            if (buf[start] == (byte)'[')
            {
                int close = Array.IndexOf<byte>(buf, (byte)']', start, end - start);
                if (close > start + 1) { a = start + 1; b = close; }
            }
            else if (colons == 1 && colon > start) b = colon;
            ulong h = 14695981039346656037UL;
            for (int i = a; i < b; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            string r;
            if (addressCache.TryGetValue(h, out r)) return r;
            r = Utf8.GetString(buf, a, b - a);
            if (addressCache.Count > 100000) addressCache.Clear();
            addressCache[h] = r;
            return r;
        }

        // yyyy-MM-ddTHH:mm:ss[.fffffff]Z fast; anything else through DateTime.TryParse. -1 when unreadable.
        [MethodImpl(Jit.Optimized)]
        long ParseTime(int s, int len)
        {
            if (len >= 20 && buf[s + 4] == '-' && buf[s + 7] == '-' && (buf[s + 10] == 'T' || buf[s + 10] == ' ') && buf[s + 13] == ':' && buf[s + 16] == ':')
            {
                int y = D(s, 4), mo = D(s + 5, 2), d = D(s + 8, 2), h = D(s + 11, 2), mi = D(s + 14, 2), se = D(s + 17, 2);
                int p = s + 19, end = s + len;
                long frac = 0; int fd = 0;
                if (p < end && buf[p] == '.')
                {
                    p++;
                    while (p < end && buf[p] >= '0' && buf[p] <= '9') { if (fd < 7) { frac = frac * 10 + (buf[p] - '0'); fd++; } p++; }
                    if (fd == 0) p = -1;
                }
                if (p == end - 1 && buf[p] == 'Z' && y > 0 && mo >= 1 && mo <= 12 && d >= 1 && h <= 23 && mi <= 59 && se <= 60)
                {
                    long dayKey = y * 10000L + mo * 100 + d;
                    if (dayKey != cachedDayKey)
                    {
                        if (d > DateTime.DaysInMonth(y, mo)) return -1;
                        cachedDayTicks = new DateTime(y, mo, d, 0, 0, 0, DateTimeKind.Utc).Ticks;
                        cachedDayKey = dayKey;
                    }
                    while (fd < 7) { frac *= 10; fd++; }
                    return cachedDayTicks + h * TimeSpan.TicksPerHour + mi * TimeSpan.TicksPerMinute + se * TimeSpan.TicksPerSecond + frac;
                }
            }
            if (len == 0 || len > 64) return -1;
            DateTime dt;
            if (DateTime.TryParse(Utf8.GetString(buf, s, len), CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out dt)) return dt.Ticks;
            return -1;
        }

        [MethodImpl(Jit.Optimized)]
        int D(int s, int n)
        {
            int v = 0;
            for (int i = s; i < s + n; i++)
            {
                int c = buf[i] - '0';
                if (c < 0 || c > 9) return -100000;
                v = v * 10 + c;
            }
            return v;
        }

        [MethodImpl(Jit.Optimized)]
        bool EqualsCI(int s, int len, string w)
        {
            if (len != w.Length) return false;
            return StartsWithCI(s, len, w);
        }

        [MethodImpl(Jit.Optimized)]
        bool StartsWithCI(int s, int len, string w)
        {
            if (len < w.Length) return false;
            for (int i = 0; i < w.Length; i++)
            {
                int b = buf[s + i];
                if (b >= 'a' && b <= 'z') b -= 32;
                int c = w[i];
                if (c >= 'a' && c <= 'z') c -= 32;
                if (b != c) return false;
            }
            return true;
        }

        // Case-insensitive ASCII search; w must be upper case. Returns the offset or -1. The first byte is found
        // with Array.IndexOf (vectorized on .NET Core), once for each case.
        [MethodImpl(Jit.Optimized)]
        int IndexOfCI(int s, int len, string w)
        {
            int end = s + len, last = end - w.Length;
            if (last < s) return -1;
            byte up = (byte)w[0], low = (byte)(up >= 'A' && up <= 'Z' ? up + 32 : up);
            int pu = Array.IndexOf<byte>(buf, up, s, last + 1 - s);
            int pl = low == up ? -1 : Array.IndexOf<byte>(buf, low, s, last + 1 - s);
            while (pu >= 0 || pl >= 0)
            {
                int i;
                if (pl < 0 || (pu >= 0 && pu < pl)) { i = pu; pu = i < last ? Array.IndexOf<byte>(buf, up, i + 1, last - i) : -1; }
                else { i = pl; pl = i < last ? Array.IndexOf<byte>(buf, low, i + 1, last - i) : -1; }
                int k = 1;
                for (; k < w.Length; k++)
                {
                    int x = buf[i + k];
                    if (x >= 'a' && x <= 'z') x -= 32;
                    if (x != w[k]) break;
                }
                if (k == w.Length) return i;
            }
            return -1;
        }

        // "TLS protocol SP_PROT_TLS1_2_SERVER negotiation succeeded using bulk encryption algorithm CALG_AES_256
        // with strength 256 bits, MAC hash algorithm CALG_SHA_384 with strength 0 bits and key exchange algorithm
        // CALG_ECDH_EPHEM with strength 384 bits"; Microsoft's doc also spells it SP_PROT-TLS1_2_CLIENT.
        [MethodImpl(Jit.Optimized)]
        bool TryTlsSuccess(Session s, int start, int len)
        {
            if (len < 20) return false;
            int p = IndexOfCI(start, len, "SP_PROT");
            if (p < 0) return false;
            if (IndexOfCI(start, len, "SUCCEEDED") < 0) return false;
            ulong h = 14695981039346656037UL;
            for (int i = start; i < start + len; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            string[] parsed;
            if (!tlsCache.TryGetValue(h, out parsed))
            {
                string text = Utf8.GetString(buf, start, len);
                string version = VersionOf(text);
                if (version == null) return false;
                string bulk = TokenAfter(text, "bulk encryption algorithm ");
                string mac = TokenAfter(text, "MAC hash algorithm ");
                string kx = TokenAfter(text, "key exchange algorithm ");
                string cipher = version + "\u001f" + (bulk ?? "") + "\u001f" + Strength(text, "bulk encryption algorithm ") + "\u001f" + (mac ?? "")
                    + "\u001f" + (kx ?? "") + "\u001f" + Strength(text, "key exchange algorithm ");
                parsed = new string[] { version, cipher };
                if (tlsCache.Count > 1000) tlsCache.Clear();
                tlsCache[h] = parsed;
            }
            s.Version = parsed[0];
            s.Cipher = parsed[1];
            return true;
        }

        [MethodImpl(Jit.Optimized)]
        static string VersionOf(string t)
        {
            int i = t.IndexOf("SP_PROT", StringComparison.OrdinalIgnoreCase);
            if (i < 0) return null;
            i += 7;
            if (i < t.Length && (t[i] == '_' || t[i] == '-')) i++;
            int e = i;
            while (e < t.Length && (Char.IsLetterOrDigit(t[e]) || t[e] == '_' || t[e] == '-')) e++;
            string tok = t.Substring(i, e - i).ToUpperInvariant().Replace('-', '_');
            if (tok.EndsWith("_SERVER", StringComparison.Ordinal)) tok = tok.Substring(0, tok.Length - 7);
            else if (tok.EndsWith("_CLIENT", StringComparison.Ordinal)) tok = tok.Substring(0, tok.Length - 7);
            if (tok.Length == 0) return null;
            switch (tok)
            {
                case "TLS1": case "TLS1_0": return "TLS 1.0";
                case "TLS1_1": return "TLS 1.1";
                case "TLS1_2": return "TLS 1.2";
                case "TLS1_3": return "TLS 1.3";
                case "SSL3": return "SSL 3.0";
                case "SSL2": return "SSL 2.0";
                case "PCT1": return "PCT 1.0";
                case "DTLS": case "DTLS1_0": return "DTLS 1.0";
                case "DTLS1_2": return "DTLS 1.2";
                default: return tok;
            }
        }

        [MethodImpl(Jit.Optimized)]
        static bool IsLegacy(string v)
        {
            return v == "TLS 1.0" || v == "TLS 1.1" || v == "SSL 3.0" || v == "SSL 2.0" || v == "PCT 1.0";
        }

        [MethodImpl(Jit.Optimized)]
        static string TokenAfter(string t, string marker)
        {
            int i = t.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return null;
            i += marker.Length;
            int e = i;
            while (e < t.Length && t[e] != ' ' && t[e] != ',' && t[e] != '"' && t[e] != ';') e++;
            return e > i ? t.Substring(i, e - i) : null;
        }

        [MethodImpl(Jit.Optimized)]
        static string Strength(string t, string marker)
        {
            int i = t.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (i < 0) return "";
            int w = t.IndexOf(" with strength ", i, StringComparison.OrdinalIgnoreCase);
            if (w < 0 || w - i > marker.Length + 64) return "";
            int p = w + 15, e = p;
            while (e < t.Length && Char.IsDigit(t[e])) e++;
            return t.Substring(p, e - p);
        }

        // Error signatures, first match wins: TLS negotiation failed with error X; 451 5.7.3; 421 4.4.2; 454 4.7.x;
        // 530 5.7.0; any other text that mentions TLS and a failure or an error.
        [MethodImpl(Jit.Optimized)]
        bool Classify(Session s, int start, int len, long t, int lineStart, int lineLen)
        {
            if (len < 9) return false;
            int tls = IndexOfCI(start, len, "TLS");
            if (tls >= 0)
            {
                int tnf = IndexOfCI(start, len, "TLS NEGOTIATION FAILED WITH ERROR ");
                if (tnf >= 0)
                {
                    int p = tnf + 34, e = p, end = start + len;
                    while (e < end && buf[e] != ' ' && buf[e] != ',' && buf[e] != '"' && buf[e] != ';' && buf[e] != '.' && e - p < 64) e++;
                    const string prefix = "TLS negotiation failed with error ";
                    EnsureSignatureRoom(prefix.Length + e - p + 1);
                    prefix.CopyTo(0, sigChars, 0, prefix.Length);
                    int n = prefix.Length + Utf8.GetChars(buf, p, e - p, sigChars, prefix.Length);
                    AddError(s, "tls-negotiation-failed", 0, n, t, lineStart, lineLen);
                    return true;
                }
            }
            int last = start + len - 9;
            int dot = start + 5 <= last + 5 ? Array.IndexOf<byte>(buf, (byte)'.', start + 5, len - 5) : -1;
            for (; dot >= 0; dot = dot + 1 < start + len ? Array.IndexOf<byte>(buf, (byte)'.', dot + 1, start + len - dot - 1) : -1)
            {
                // "451 5.7.3": the first '.' of the enhanced code sits 5 bytes after the reply code
                int i = dot - 5;
                if (i > last) break;
                int b = buf[i];
                if (b != '4' && b != '5') continue;
                if (buf[i + 3] != ' ' || buf[i + 7] != '.') continue;
                if (i > start && buf[i - 1] >= '0' && buf[i - 1] <= '9') continue;
                string kind = null;
                int codeEnd = i + 9;
                if (Match(i, "451 5.7.3")) kind = "smtp-451-5.7.3";
                else if (Match(i, "421 4.4.2")) kind = "smtp-421-4.4.2";
                else if (Match(i, "530 5.7.0")) kind = "smtp-530-5.7.0";
                else if (Match(i, "454 4.7.") && buf[i + 8] >= '0' && buf[i + 8] <= '9')
                {
                    kind = "smtp-454-4.7.x";
                    while (codeEnd < start + len && buf[codeEnd] >= '0' && buf[codeEnd] <= '9') codeEnd++;
                }
                if (kind == null) continue;
                if (codeEnd < start + len && buf[codeEnd] >= '0' && buf[codeEnd] <= '9') continue;   // 530 5.7.57 is not 530 5.7.0
                // signature: the code, then a space and the normalized rest when there is any
                int codeLen = codeEnd - i;
                int restChars = Decode(codeEnd, start + len - codeEnd);
                EnsureSignatureRoom(codeLen + 1 + restChars);
                for (int k = 0; k < codeLen; k++) sigChars[k] = (char)buf[i + k];   // digits, spaces and dots
                int n = Normalize(restChars, codeLen + 1);
                if (n > codeLen + 1) sigChars[codeLen] = ' ';
                else n = codeLen;
                AddError(s, kind, codeLen, n, t, lineStart, lineLen);
                return true;
            }
            if (tls >= 0 && (IndexOfCI(start, len, "FAIL") >= 0 || IndexOfCI(start, len, "ERROR") >= 0))
            {
                int chars = Decode(start, len);
                EnsureSignatureRoom(chars);
                AddError(s, "other-tls-failure", 0, Normalize(chars, 0), t, lineStart, lineLen);
                return true;
            }
            return false;
        }

        [MethodImpl(Jit.Optimized)]
        bool Match(int i, string w)
        {
            for (int k = 0; k < w.Length; k++) if (buf[i + k] != w[k]) return false;
            return true;
        }

        // buf[start, start + len) decoded into textChars; returns the number of chars.
        [MethodImpl(Jit.Optimized)]
        int Decode(int start, int len)
        {
            int max = Utf8.GetMaxCharCount(len);
            if (textChars.Length < max) textChars = new char[Math.Max(max, textChars.Length * 2)];
            return Utf8.GetChars(buf, start, len, textChars, 0);
        }

        [MethodImpl(Jit.Optimized)]
        void EnsureSignatureRoom(int chars)
        {
            if (sigChars.Length < chars) sigChars = new char[Math.Max(chars, sigChars.Length * 2)];
        }

        // Signature text, so that one cause is one group: the text from '[', '(', ';' or '"' on is cut (host
        // names, details), each number becomes '#' (with its '.' and ':'), surrounding white space and trailing
        // ',' '.' ' ' are trimmed, at most 120 characters. Reads textChars[0, count), writes sigChars from 'at';
        // returns where the signature ends.
        [MethodImpl(Jit.Optimized)]
        int Normalize(int count, int at)
        {
            int cut = count;
            for (int k = 0; k < count; k++)
            {
                char c = textChars[k];
                if (c == '[' || c == '(' || c == ';' || c == '"') { cut = k; break; }
            }
            int j = at;
            bool inNumber = false;
            for (int k = 0; k < cut; k++)
            {
                char c = textChars[k];
                if (c >= '0' && c <= '9') { if (!inNumber) sigChars[j++] = '#'; inNumber = true; continue; }
                if (inNumber && (c == '.' || c == ':')) continue;
                inNumber = false;
                sigChars[j++] = c;
            }
            // as String.Trim(), then TrimEnd(',', '.', ' '), then the first 120 characters
            int from = at, to = j;
            while (from < to && Char.IsWhiteSpace(sigChars[from])) from++;
            while (to > from && Char.IsWhiteSpace(sigChars[to - 1])) to--;
            while (to > from && (sigChars[to - 1] == ',' || sigChars[to - 1] == '.' || sigChars[to - 1] == ' ')) to--;
            if (to - from > 120) to = from + 120;
            if (from > at) Array.Copy(sigChars, from, sigChars, at, to - from);
            return at + (to - from);
        }

        // sigChars[0, length) as a string, the same instance each time the same signature comes back.
        [MethodImpl(Jit.Optimized)]
        string Signature(int length)
        {
            ulong h = 14695981039346656037UL;
            for (int i = 0; i < length; i++) { h ^= sigChars[i]; h *= 1099511628211UL; }
            string r;
            if (signatureCache.TryGetValue(h, out r) && r.Length == length)
            {
                int i = 0;
                while (i < length && r[i] == sigChars[i]) i++;
                if (i == length) return r;
            }
            r = new string(sigChars, 0, length);
            if (signatureCache.Count > 10000) signatureCache.Clear();
            signatureCache[h] = r;
            return r;
        }

        // The signature is sigChars[0, sigLength); an SMTP code is its first codeLength characters.
        [MethodImpl(Jit.Optimized)]
        void AddError(Session s, string kind, int codeLength, int sigLength, long t, int lineStart, int lineLen)
        {
            errorLines++;
            ErrorKey key = new ErrorKey();
            key.Kind = kind; key.Signature = Signature(sigLength); key.Direction = s.Direction;
            key.Service = curFolder.Service; key.Connector = s.Connector; key.Remote = s.Remote;
            ErrorGroup g;
            if (!errors.TryGetValue(key, out g))
            {
                if (errors.Count >= MaxErrorGroups) { errorLinesUntracked++; return; }
                g = new ErrorGroup();
                g.Kind = kind; g.Code = codeLength > 0 ? key.Signature.Substring(0, codeLength) : null; g.Signature = key.Signature;
                g.Direction = DirNames[s.Direction]; g.Service = curFolder.Service; g.Connector = s.Connector; g.Remote = s.Remote;
                errors.Add(key, g);
            }
            g.Count++;
            if (t < g.First) g.First = t;
            if (t > g.Last) g.Last = t;
            if (g.Samples.Count < MaxSamplesPerError) g.Samples.Add(MakeSample(lineStart, lineLen, null));
        }

        [MethodImpl(Jit.Optimized)]
        Sample MakeSample(int start, int len, string reason)
        {
            Sample d = new Sample();
            d.File = curFile.FullName;
            d.Line = curLineNo;
            d.Reason = reason;
            int n = Math.Min(len, MaxSampleChars * 2);
            string text = len > 0 ? Utf8.GetString(buf, start, n) : "";
            if (text.Length > MaxSampleChars) text = text.Substring(0, MaxSampleChars);
            d.Text = text;
            return d;
        }

        [MethodImpl(Jit.Optimized)]
        void Bad(string reason, int start, int len)
        {
            badLines++;
            long c;
            badReasons.TryGetValue(reason, out c);
            badReasons[reason] = c + 1;
            if (badSamples.Count < MaxBadLineSamples) badSamples.Add(MakeSample(start, len, reason));
        }

        [MethodImpl(Jit.Optimized)]
        void AddFileError(string path, Exception e)
        {
            if (fileErrors.Count >= MaxFileErrors) return;
            FileError d = new FileError();
            d.Path = path;
            d.Message = e.GetType().Name + ": " + e.Message;
            fileErrors.Add(d);
        }

        // ---------- sessions and peers ----------

        // Keeps the open-session map bounded: sessions idle for 10 minutes are closed, then the oldest half.
        [MethodImpl(Jit.Optimized)]
        void Sweep(long now)
        {
            List<KeyValuePair<ulong, Session>> all = sessions.Entries();
            List<KeyValuePair<ulong, Session>> done = new List<KeyValuePair<ulong, Session>>();
            foreach (KeyValuePair<ulong, Session> kv in all)
                if (kv.Value.Last < now - 10 * TimeSpan.TicksPerMinute) done.Add(kv);
            if (all.Count - done.Count > MaxOpenSessions * 3 / 4)
            {
                all.Sort(delegate (KeyValuePair<ulong, Session> a, KeyValuePair<ulong, Session> b) { return a.Value.Last.CompareTo(b.Value.Last); });
                done = all.GetRange(0, all.Count / 2);
            }
            foreach (KeyValuePair<ulong, Session> kv in done) { Finish(kv.Value); sessions.Remove(kv.Key); sessionsSwept++; }
        }

        [MethodImpl(Jit.Optimized)]
        void Recycle(Session s)
        {
            if (sessionPool.Count < 1000) sessionPool.Push(s);
        }

        [MethodImpl(Jit.Optimized)]
        void FinishAllSessions(bool unclosed)
        {
            foreach (KeyValuePair<ulong, Session> kv in sessions.Entries()) { Finish(kv.Value); if (unclosed) sessionsUnclosed++; }
            sessions.Clear();
        }

        [MethodImpl(Jit.Optimized)]
        void Finish(Session s)
        {
            sessionsTotal++;
            string dir = DirNames[s.Direction];
            PeerKey key = new PeerKey();
            key.Direction = s.Direction; key.Service = curFolder.Service; key.Connector = s.Connector; key.Remote = s.Remote;
            Peer p;
            if (!peers.TryGetValue(key, out p))
            {
                if (peers.Count >= MaxTrackedPeers) { sessionsUntracked++; return; }
                p = new Peer();
                p.Direction = dir; p.Service = curFolder.Service; p.Connector = s.Connector; p.Remote = s.Remote;
                peers.Add(key, p);
            }
            p.Sessions++;
            if (s.First < p.First) p.First = s.First;
            if (s.Last > p.Last) p.Last = s.Last;
            if (s.Mail) p.MailSessions++;
            if (s.Version != null)
            {
                p.AddVersion(s.Version, s.Last);
                if (IsLegacy(s.Version)) p.Legacy++;
                if (!p.AddCipher(s.Cipher, MaxCiphersPerPeer)) p.CipherOverflow++;
            }
            else
            {
                p.NoTls++;
                if (s.StartTls) p.StartTlsNoHandshake++;
                if (s.Mail) p.MailNoTls++;
            }
        }

        // ---------- result ----------

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
            j.Name("firstSeen").Value(Iso(p.First));
            j.Name("lastSeen").Value(Iso(p.Last));
            j.EndObject();
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
'@

function Get-ExTlsPlOptionValue {
    param($Options, [string]$Name, $Default = $null)
    if ($null -eq $Options) { return $Default }
    if ($Options -is [System.Collections.IDictionary]) {
        if ($Options.Contains($Name) -and $null -ne $Options[$Name]) { return $Options[$Name] }
        return $Default
    }
    $p = $Options.PSObject.Properties[$Name]
    if ($null -eq $p -or $null -eq $p.Value) { return $Default }
    return $p.Value
}

# Between phases: a full, compacting collection that hands the freed memory back to the OS (GCCollectionMode.Aggressive,
# .NET 7 and later, so PowerShell 7.3+; elsewhere nothing is done), then the native memory the runtime freed
# (Invoke-ExTlsMallocTrim). Takes some 10-50 ms.
function Clear-ExTlsGarbage {
    $aggressive = 'Aggressive' -as [GCCollectionMode]
    if ($null -eq $aggressive) { return }
    [GC]::Collect(2, $aggressive, $true, $true)
    Invoke-ExTlsMallocTrim
}

# glibc (Linux) keeps memory a process frees in its malloc arenas rather than handing it back, and .NET frees a lot
# there: Roslyn itself is compiled from IL while Add-Type runs, and the tiered JIT recompiles hot methods on a thread
# of its own, whose arena alone kept 10-20 MB. glibc's malloc_trim hands the free pages back. It is declared with
# Reflection.Emit (a P/Invoke, no compiler) so that it can run before Add-Type too. Elsewhere (Windows, macOS, musl
# libc) nothing is done.
$script:ExTlsMallocTrim = $null   # the type holding the P/Invoke once declared; $false where there is none
function Invoke-ExTlsMallocTrim {
    if ($null -eq $script:ExTlsMallocTrim) {
        $script:ExTlsMallocTrim = $false
        if ([Environment]::OSVersion.Platform -ne [PlatformID]::Unix) { return }
        $assembly = [System.Reflection.Emit.AssemblyBuilder]::DefineDynamicAssembly(
            (New-Object System.Reflection.AssemblyName 'ExTlsLibc'), [System.Reflection.Emit.AssemblyBuilderAccess]::Run)
        $type = $assembly.DefineDynamicModule('ExTlsLibc').DefineType('ExTlsLibc', 'Public, Abstract, Sealed')
        [void]$type.DefinePInvokeMethod('malloc_trim', 'libc', 'Public, Static, PinvokeImpl', 'Standard', [int], [Type[]]@([UIntPtr]),
            [Runtime.InteropServices.CallingConvention]::Cdecl, [Runtime.InteropServices.CharSet]::Ansi)
        $script:ExTlsMallocTrim = $type.CreateType()
    }
    if ($script:ExTlsMallocTrim -isnot [type]) { return }
    try {
        [void]$script:ExTlsMallocTrim::malloc_trim([UIntPtr]::Zero)
    } catch {
        $script:ExTlsMallocTrim = $false   # not glibc: no libc, or no malloc_trim in it
    }
}

function Initialize-ExTlsProtocolLogScanner {
    # Once per process: Add-Type cannot replace a type, and compiling costs a second or two.
    if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { return }
    # The fan-out driver runs local collectors in parallel runspaces of one process: concurrent Add-Type calls
    # of the same type stall each other, so compile under a process-wide lock (an interned string is one object
    # per process) and check again once inside.
    $lock = [string]::Intern('ExTlsProtocolLogs1.Scanner.Compile')
    [System.Threading.Monitor]::Enter($lock)
    try {
        if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { return }
        # Without -optimize+ Add-Type on PowerShell 7 emits a debug assembly and the JIT disables its optimizations
        # (the scan runs several times slower).
        if ($PSVersionTable.PSEdition -eq 'Core') {
            # Only the reference assemblies the scanner needs: without -ReferencedAssemblies, PowerShell 7's
            # Add-Type reads every assembly under $PSHOME/ref plus System.Management.Automation (about 13 MB) into
            # native memory and keeps them for the life of the process, and Roslyn binds against all of them
            # (about 20 MB more peak memory, and a slower compile). System.Runtime is always added by Add-Type;
            # System.Runtime.Extensions and System.IO.FileSystem hold Stopwatch and the file APIs on older .NET
            # (type forwarders on newer ones). Should a PowerShell 7 release keep a type elsewhere, the compile
            # is retried with the default references.
            $compile = @{
                TypeDefinition  = $script:ExTlsProtocolLogScannerSource
                Language        = 'CSharp'
                CompilerOptions = @('-langversion:5', '-optimize+', '-define:EXTLS_CORE')
            }
            Clear-ExTlsGarbage   # what the script has left so far: the compile is the collector's biggest step
            try {
                Add-Type @compile -ErrorAction Stop -ReferencedAssemblies @('System.Collections', 'System.Text.Encoding.Extensions',
                    'System.Runtime.Extensions', 'System.IO.FileSystem')
            } catch {
                if ($null -ne ('ExTlsProtocolLogs1.Scanner' -as [type])) { throw }
                Add-Type @compile -ErrorAction Stop
            }
            Clear-ExTlsGarbage   # the compiler's
        } else {
            Add-Type -TypeDefinition $script:ExTlsProtocolLogScannerSource -Language CSharp -CompilerOptions '/optimize+'
        }
    } finally {
        [System.Threading.Monitor]::Exit($lock)
    }
}

# The protocolLogs object: JSON text when the scanner ran (written by the scanner itself, see JsonText), else a small
# ordered dictionary (disabled, error, no install path). 90-Main.ps1 puts either into the collector's JSON.
function Get-ExTlsProtocolLogEvidence {
    [CmdletBinding()]
    param(
        $Options,
        [AllowNull()][AllowEmptyString()][string]$ExchangeInstallPath,
        [bool]$IsEdge = $false
    )
    $minimal = {
        param([string]$Status, [string]$Message)
        return [ordered]@{ schemaVersion = 1; status = $Status; message = $Message }
    }
    try {
        $scan = Get-ExTlsPlOptionValue $Options 'scanLogs' $true
        if ($scan -isnot [bool]) { return (& $minimal 'error' 'option scanLogs must be true or false') }
        if (-not $scan) { return (& $minimal 'disabled' 'protocol-log scan disabled by option scanLogs') }

        $days = Get-ExTlsPlOptionValue $Options 'logDays' 7
        if (-not ($days -is [int] -or $days -is [long] -or $days -is [double] -or $days -is [decimal]) -or [double]$days -le 0) {
            return (& $minimal 'error' 'option logDays must be a positive number')
        }
        $budget = Get-ExTlsPlOptionValue $Options 'logByteBudget' ([int64]2GB)
        if (-not ($budget -is [int] -or $budget -is [long] -or $budget -is [double] -or $budget -is [decimal]) -or [double]$budget -lt 0) {
            return (& $minimal 'error' 'option logByteBudget must be a number of bytes >= 0')
        }
        # ConvertFrom-Json on PowerShell 7 turns ISO strings into DateTime; 5.1 leaves them strings.
        $ref = Get-ExTlsPlOptionValue $Options 'referenceTime' $null
        if ($null -eq $ref) {
            $refText = [DateTime]::UtcNow.ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [DateTime]) {
            if ($ref.Kind -eq [DateTimeKind]::Unspecified) { $ref = [DateTime]::SpecifyKind($ref, [DateTimeKind]::Utc) }
            $refText = $ref.ToUniversalTime().ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [DateTimeOffset]) {
            $refText = $ref.UtcDateTime.ToString('o', [Globalization.CultureInfo]::InvariantCulture)
        } elseif ($ref -is [string]) {
            $refText = $ref
        } else {
            return (& $minimal 'error' 'option referenceTime must be an ISO 8601 date-time string')
        }

        $roots = New-Object System.Collections.Generic.List[string]
        $sources = New-Object System.Collections.Generic.List[string]
        $override = Get-ExTlsPlOptionValue $Options 'protocolLogPaths' $null
        if ($null -ne $override) {
            foreach ($p in @($override)) {
                if ($p -isnot [string] -or $p.Trim() -eq '') { return (& $minimal 'error' 'option protocolLogPaths must be an array of folder paths') }
                # Relative paths are relative to PowerShell's current location, not the process's.
                $roots.Add($ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($p))
                $sources.Add('option')
            }
        } elseif ($ExchangeInstallPath) {
            $logs = [IO.Path]::Combine($ExchangeInstallPath, 'TransportRoles', 'Logs')
            $leaves = New-Object System.Collections.Generic.List[object]
            if ($IsEdge) {
                $leaves.Add(@('Edge', 'ProtocolLog', 'SmtpReceive')); $leaves.Add(@('Edge', 'ProtocolLog', 'SmtpSend'))
            } else {
                foreach ($svc in @('FrontEnd', 'Hub')) {
                    $leaves.Add(@($svc, 'ProtocolLog', 'SmtpReceive')); $leaves.Add(@($svc, 'ProtocolLog', 'SmtpSend'))
                }
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpReceive', 'Delivery'))
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpSend', 'Submission'))
                $leaves.Add(@('Mailbox', 'ProtocolLog', 'SmtpSend', 'Delivery'))
            }
            # Exchange 2010 kept one transport service: TransportRoles\Logs\ProtocolLog\SmtpReceive|SmtpSend.
            $leaves.Add(@('ProtocolLog', 'SmtpReceive')); $leaves.Add(@('ProtocolLog', 'SmtpSend'))
            foreach ($leaf in $leaves) {
                $path = $logs
                foreach ($part in $leaf) { $path = [IO.Path]::Combine($path, $part) }
                $roots.Add($path)
                $sources.Add('default')
            }
        } else {
            $r = & $minimal 'no-log-folders' 'Exchange install path unknown and no protocolLogPaths option given'
            return $r
        }

        Initialize-ExTlsProtocolLogScanner
        # Memory is handed back before each step that needs much of it: the sections' garbage before the scan, the
        # scan's working state before the JSON text is built, then all but that text before the output is.
        Clear-ExTlsGarbage
        $scanner = New-Object ExTlsProtocolLogs1.Scanner
        $scanner.Run($roots.ToArray(), $sources.ToArray(), $refText, [double]$days, [int64]$budget)
        Clear-ExTlsGarbage
        $json = $scanner.ToJson()
        $scanner = $null
        Clear-ExTlsGarbage
        return $json
    } catch {
        # Log evidence is secondary: an unexpected failure here must not cost the server its registry record.
        $msg = $_.Exception.Message
        if ($_.Exception.InnerException) { $msg = $_.Exception.InnerException.Message }
        return (& $minimal 'error' $msg)
    }
}
