// The protocol-log folders and files a scan reads.
using System.Collections.Generic;

namespace ExTlsProtocolLogs2
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
}
