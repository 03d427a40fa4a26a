using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;

namespace ExTlsProtocolLogs2
{
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
}
