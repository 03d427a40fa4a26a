// What the scan keeps: peers, error groups, samples and file errors.
using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;

namespace ExTlsProtocolLogs2
{
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
        public int NameCount;
        public string[] Names;                       // the remote's names (EHLO/HELO, banner); at most MaxNames
        public long[] NameSessions;
        public long LastTlsMail = long.MinValue;     // end of the latest session that carried mail over TLS
        public const int MaxNames = 4;

        [MethodImpl(Jit.Optimized)]
        public void AddName(string name)
        {
            for (int i = 0; i < NameCount; i++)
                if (String.Equals(Names[i], name)) { NameSessions[i]++; return; }
            if (NameCount >= MaxNames) return;
            if (Names == null) { Names = new string[MaxNames]; NameSessions = new long[MaxNames]; }
            Names[NameCount] = name; NameSessions[NameCount] = 1;
            NameCount++;
        }

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
        public int Direction, Stage;
        public string Kind, Signature, Service, Connector, Remote;
        [MethodImpl(Jit.Optimized)]
        public bool Equals(ErrorKey o)
        {
            return Direction == o.Direction && Stage == o.Stage && String.Equals(Kind, o.Kind) && String.Equals(Signature, o.Signature) && String.Equals(Service, o.Service)
                && String.Equals(Connector, o.Connector) && String.Equals(Remote, o.Remote);
        }
        public override bool Equals(object o) { return o is ErrorKey && Equals((ErrorKey)o); }
        [MethodImpl(Jit.Optimized)]
        public override int GetHashCode()
        {
            int h = Direction * 8 + Stage;
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
        public string Kind, Code, Signature, Direction, Service, Connector, Remote, Stage, Name;
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
}
