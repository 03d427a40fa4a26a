// Discovery and selection: the folders, their .LOG files, and the files the byte budget allows.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
    {
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
                    missing.Path = root; missing.Source = source; missing.Service = FolderService(root); missing.Exists = false;
                    folders.Add(missing);
                    continue;
                }
                int before = folders.Count;
                Walk(root, source, 0, seen);
                if (folders.Count == before)
                {
                    LogFolder empty = new LogFolder();
                    empty.Path = root; empty.Source = source; empty.Service = FolderService(root); empty.Exists = true;
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
                folder.Path = dir; folder.Source = source; folder.Service = FolderService(dir); folder.Exists = true;
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
            int yearDigits = 4;
            if (n.StartsWith("RECV", StringComparison.OrdinalIgnoreCase)) { lf.NameDirection = DirReceive; i = 4; }
            else if (n.StartsWith("SEND", StringComparison.OrdinalIgnoreCase)) { lf.NameDirection = DirSend; i = 4; }
            // IIS W3C: u_exyyMMdd.log, u_exyyMMddHH.log (hourly), exyyMMdd.log (not UTF-8)
            else if (n.StartsWith("u_ex", StringComparison.OrdinalIgnoreCase)) { i = 4; yearDigits = 2; }
            else if (n.StartsWith("ex", StringComparison.OrdinalIgnoreCase) && n.Length > 2 && Char.IsDigit(n[2])) { i = 2; yearDigits = 2; }
            else { while (i < n.Length && !Char.IsDigit(n[i])) i++; }
            int j = i;
            while (j < n.Length && n[j] >= '0' && n[j] <= '9') j++;
            int digits = j - i - yearDigits;
            if (digits != 4 && digits != 6) return;
            int y = Int32.Parse(n.Substring(i, yearDigits), CultureInfo.InvariantCulture);
            if (yearDigits == 2) y += 2000;
            i += yearDigits - 4;
            int mo = Int32.Parse(n.Substring(i + 4, 2), CultureInfo.InvariantCulture);
            int d = Int32.Parse(n.Substring(i + 6, 2), CultureInfo.InvariantCulture);
            int h = digits == 6 ? Int32.Parse(n.Substring(i + 8, 2), CultureInfo.InvariantCulture) : 0;
            if (y < 1990 || y > 9000 || mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || h > 23) return;
            ticks = new DateTime(y, mo, d, h, 0, 0, DateTimeKind.Utc).Ticks;
            period = digits == 6 ? TimeSpan.TicksPerHour : TimeSpan.TicksPerDay;
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

        // SMTP: the transport service; IIS: the site's log folder (W3SVC1 is the Default Web Site, W3SVC2 Exchange
        // Back End on a default install).
        [MethodImpl(Jit.Optimized)]
        string FolderService(string path)
        {
            if (!iis) return ServiceOf(path);
            string leaf = System.IO.Path.GetFileName(path.TrimEnd('\\', '/'));
            return String.IsNullOrEmpty(leaf) ? path : leaf;
        }

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
    }
}
