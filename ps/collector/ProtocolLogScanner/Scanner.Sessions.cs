// Sessions and peers: a session closes into its peer.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
    public sealed partial class Scanner
    {
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
            if (s.Name != null) p.AddName(s.Name);
            if (s.Mail && s.Version != null && s.Last > p.LastTlsMail) p.LastTlsMail = s.Last;
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
    }
}
