// The scan: Run() reads the logs, ToJson() writes the protocolLogs object. Its parts: Scanner.Discovery.cs
// (folders and files), Scanner.Reading.cs (lines and fields), Scanner.Sessions.cs, Scanner.Json.cs (the result).
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
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
        // Where a session stood when an error line came: no STARTTLS (StageOffered: the EHLO answer offered it),
        // STARTTLS issued and no outcome yet, TLS negotiation failed, TLS negotiated.
        const int StageNone = 0, StageHandshake = 1, StageTlsFailed = 2, StageTls = 3, StageOffered = 4;
        static readonly string[] StageNames = new string[] { "no-starttls", "handshake", "tls-failed", "tls", "starttls-offered" };
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
        Dictionary<ulong, string> nameCache = new Dictionary<ulong, string>();
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
                status = "no-log-folders"; message = iis ? "none of the IIS log folders exists" : "none of the protocol-log folders exists";
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
            addressCache = null; connectorCache = null; nameCache = null; tlsCache = null; signatureCache = null;
            sw.Stop();
        }
    }
}
