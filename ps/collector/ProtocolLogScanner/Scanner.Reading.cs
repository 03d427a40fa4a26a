// Reading: lines, CSV fields, TLS events and error signatures.
using System;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
    {
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
            fileHasCrypt = false;
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
                                if (iis) ProcessIisLine(pos, end - pos); else ProcessLine(pos, end - pos);
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
            if (iis) { if (fileHasCrypt) filesWithTls++; else filesWithoutTls++; }
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
                s.Stage = StageNone; s.Offered = false; s.AwaitEhloAnswer = false; s.NameFromAnswer = false; s.Name = null;
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
                    if (EqualsCI(ds, dl, "STARTTLS") || EqualsCI(ds, dl, "X-ANONYMOUSTLS"))
                    {
                        s.StartTls = true;
                        if (s.Stage == StageNone) s.Stage = StageHandshake;
                    }
                    else if (StartsWithCI(ds, dl, "MAIL FROM") || EqualsCI(ds, dl, "DATA") || StartsWithCI(ds, dl, "BDAT ")) s.Mail = true;
                    else if (dl > 5 && (StartsWithCI(ds, dl, "EHLO ") || StartsWithCI(ds, dl, "HELO ")))
                    {
                        // receive: the client names itself; send: the remote's name is in its answer
                        if (s.Direction == DirSend) s.AwaitEhloAnswer = true;
                        else if (s.Name == null) s.Name = HostName(ds + 5, dl - 5, false);
                    }
                }
                // Error texts are replies or information lines, never the client's commands.
                if (command && s.Direction != DirUnknown) return;
                if (!command && dl >= 4 && buf[ds] == (byte)'2') Reply(s, ds, dl);
            }
            else
            {
                if (TryTlsSuccess(s, ds, dl) || TryTlsSuccess(s, cs, cl)) { s.Stage = StageTls; return; }
            }
            if (!Classify(s, ds, dl, t, start, len)) Classify(s, cs, cl, t, start, len);
        }

        // A 2xx reply: STARTTLS offered in the EHLO answer; on the send side the remote's name, from its EHLO
        // answer ("250-name Hello") or, until then, its banner ("220 name ...").
        [MethodImpl(Jit.Optimized)]
        void Reply(Session s, int ds, int dl)
        {
            bool is250 = buf[ds + 1] == (byte)'5' && buf[ds + 2] == (byte)'0' && (buf[ds + 3] == (byte)'-' || buf[ds + 3] == (byte)' ');
            bool offer = is250 && dl == 12 && EqualsCI(ds + 4, 8, "STARTTLS");
            if (offer) s.Offered = true;
            if (s.Direction != DirSend || dl <= 4) return;
            if (is250 && s.AwaitEhloAnswer)
            {
                // the first line of the EHLO answer names the server (RFC 5321); a keyword line is not a name
                s.AwaitEhloAnswer = false;
                if (s.NameFromAnswer || offer) return;
                string n = HostName(ds + 4, dl - 4, true);
                if (n != null) { s.Name = n; s.NameFromAnswer = true; }
                return;
            }
            if (s.Name == null && buf[ds + 1] == (byte)'2' && buf[ds + 2] == (byte)'0' && buf[ds + 3] == (byte)' ') s.Name = HostName(ds + 4, dl - 4, true);
        }

        // The first token of buf[start, start + len) as a host name: printable ASCII only (anything else becomes
        // '?'), at most 255 characters, at least one letter or an address literal ('['), and with dotted set a '.'
        // or '[' (a server's answer: "250-SIZE" is no name; a client's EHLO may be a bare NetBIOS name); else null.
        [MethodImpl(Jit.Optimized)]
        string HostName(int start, int len, bool dotted)
        {
            int end = start + len;
            while (start < end && buf[start] == (byte)' ') start++;
            int e = start;
            bool letter = false, dot = false;
            while (e < end && e - start < 255)
            {
                byte b = buf[e];
                if (b == (byte)' ' || b == (byte)',' || b == (byte)';' || b == (byte)'"') break;
                if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || b == (byte)'[') letter = true;
                if (b == (byte)'.' || b == (byte)'[') dot = true;
                e++;
            }
            if (e == start || !letter || (dotted && !dot)) return null;
            ulong h = 14695981039346656037UL;
            for (int i = start; i < e; i++) { h ^= buf[i]; h *= 1099511628211UL; }
            string r;
            if (nameCache.TryGetValue(h, out r)) return r;
            char[] c = new char[e - start];
            for (int i = start; i < e; i++) { byte b = buf[i]; c[i - start] = b > 0x20 && b < 0x7F ? (char)b : '?'; }
            r = new string(c);
            if (nameCache.Count > 100000) nameCache.Clear();
            nameCache[h] = r;
            return r;
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
                    s.Stage = StageTlsFailed;
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
                // Exchange Online's build enforcement (throttled, then blocked): "450 4.7.230" / "550 5.7.230"
                else if (i + 11 <= start + len && Match(i, "450 4.7.230")) { kind = "smtp-450-4.7.230"; codeEnd = i + 11; }
                else if (i + 11 <= start + len && Match(i, "550 5.7.230")) { kind = "smtp-550-5.7.230"; codeEnd = i + 11; }
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
            key.Stage = s.Stage == StageNone && s.Offered ? StageOffered : s.Stage;
            ErrorGroup g;
            if (!errors.TryGetValue(key, out g))
            {
                if (errors.Count >= MaxErrorGroups) { errorLinesUntracked++; return; }
                g = new ErrorGroup();
                g.Kind = kind; g.Code = codeLength > 0 ? key.Signature.Substring(0, codeLength) : null; g.Signature = key.Signature;
                g.Direction = DirNames[s.Direction]; g.Service = curFolder.Service; g.Connector = s.Connector; g.Remote = s.Remote;
                g.Stage = StageNames[key.Stage];
                errors.Add(key, g);
            }
            g.Count++;
            if (g.Name == null) g.Name = s.Name;
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
    }
}
