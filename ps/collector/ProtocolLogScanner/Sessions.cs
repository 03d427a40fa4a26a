// One SMTP session while it is open, and the table of open sessions.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
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
        // Where the session stood when an error line came (issue 24: attribute by session): Stage* below.
        public int Stage;
        public bool Offered;          // the server's EHLO answer offered STARTTLS
        public bool AwaitEhloAnswer;  // send: EHLO sent, the remote's 250 answer (its name) not read yet
        public bool NameFromAnswer;   // send: Name comes from the EHLO answer (better than the banner's)
        public string Name;           // receive: the client's EHLO/HELO name; send: the remote's EHLO answer or banner name
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
}
