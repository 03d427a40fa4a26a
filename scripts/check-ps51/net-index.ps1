# Reads the metadata of reference assemblies (no assembly is loaded) and prints one JSON object: per public type its
# assembly, base type and public members, with each method's parameter counts. scripts/check-ps51.mjs uses it to tell
# whether a type or static member a script names exists in .NET Framework 4.5 / Windows PowerShell 5.1.
# Input on stdin: {"assemblies": ["<path of a reference .dll>", ...]}. The walk is C# (System.Reflection.Metadata):
# a PowerShell loop over every member of the framework takes minutes.
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version 3.0
$request = [Console]::In.ReadToEnd() | ConvertFrom-Json

Add-Type -ReferencedAssemblies @('System.Reflection.Metadata', 'System.Collections', 'System.Collections.Immutable', 'System.Runtime', 'System.Text.Json', 'System.Memory') -TypeDefinition @'
using System;
using System.Collections.Generic;
using System.IO;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

public static class ExTlsNetIndex
{
    static string TypeRefName(MetadataReader r, EntityHandle h)
    {
        if (h.IsNil) return null;
        switch (h.Kind)
        {
            case HandleKind.TypeDefinition: return DefName(r, (TypeDefinitionHandle)h);
            case HandleKind.TypeReference:
                var t = r.GetTypeReference((TypeReferenceHandle)h);
                var name = r.GetString(t.Name);
                if (t.ResolutionScope.Kind == HandleKind.TypeReference) return TypeRefName(r, (EntityHandle)t.ResolutionScope) + "+" + name;
                var ns = r.GetString(t.Namespace);
                return ns.Length > 0 ? ns + "." + name : name;
            default: return null; // a generic instantiation as base type: not needed for static members
        }
    }

    static string DefName(MetadataReader r, TypeDefinitionHandle h)
    {
        var d = r.GetTypeDefinition(h);
        var name = r.GetString(d.Name);
        var declaring = d.GetDeclaringType();
        if (!declaring.IsNil) return DefName(r, declaring) + "+" + name;
        var ns = r.GetString(d.Namespace);
        return ns.Length > 0 ? ns + "." + name : name;
    }

    // {"types": {"<full name>": {"assembly", "base", "members": {"<name>": "field"|"property"|"event"|"type"|[[count, optional, variadic, static], ...]}}},
    //  "forwarded": {"<full name>": "<assembly>"}}
    public static string Build(string[] paths)
    {
        var types = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var forwarded = new SortedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            using (var stream = File.OpenRead(path))
            using (var pe = new PEReader(stream))
            {
                if (!pe.HasMetadata) continue;
                var r = pe.GetMetadataReader();
                if (!r.IsAssembly) continue;
                var assembly = r.GetString(r.GetAssemblyDefinition().Name);
                foreach (var h in r.TypeDefinitions)
                {
                    var d = r.GetTypeDefinition(h);
                    var vis = d.Attributes & TypeAttributes.VisibilityMask;
                    if (vis != TypeAttributes.Public && vis != TypeAttributes.NestedPublic) continue;
                    var members = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    foreach (var mh in d.GetMethods())
                    {
                        var m = r.GetMethodDefinition(mh);
                        var access = m.Attributes & MethodAttributes.MemberAccessMask;
                        if (access != MethodAttributes.Public && access != MethodAttributes.Family && access != MethodAttributes.FamORAssem) continue;
                        int count = 0, optional = 0, variadic = 0;
                        foreach (var ph in m.GetParameters())
                        {
                            var p = r.GetParameter(ph);
                            if (p.SequenceNumber == 0) continue;
                            count++;
                            if ((p.Attributes & ParameterAttributes.Optional) != 0) optional++;
                            foreach (var ah in p.GetCustomAttributes())
                            {
                                var a = r.GetCustomAttribute(ah);
                                EntityHandle parent = default(EntityHandle);
                                if (a.Constructor.Kind == HandleKind.MemberReference) parent = r.GetMemberReference((MemberReferenceHandle)a.Constructor).Parent;
                                else if (a.Constructor.Kind == HandleKind.MethodDefinition) parent = r.GetMethodDefinition((MethodDefinitionHandle)a.Constructor).GetDeclaringType();
                                if (TypeRefName(r, parent) == "System.ParamArrayAttribute") variadic = 1;
                            }
                        }
                        var name = r.GetString(m.Name);
                        object list;
                        if (!members.TryGetValue(name, out list) || !(list is List<int[]>)) { list = new List<int[]>(); members[name] = list; }
                        ((List<int[]>)list).Add(new[] { count, optional, variadic, (m.Attributes & MethodAttributes.Static) != 0 ? 1 : 0 });
                    }
                    foreach (var fh in d.GetFields())
                    {
                        var f = r.GetFieldDefinition(fh);
                        if ((f.Attributes & FieldAttributes.FieldAccessMask) == FieldAttributes.Public) members[r.GetString(f.Name)] = "field";
                    }
                    foreach (var ph in d.GetProperties()) members[r.GetString(r.GetPropertyDefinition(ph).Name)] = "property";
                    foreach (var eh in d.GetEvents()) members[r.GetString(r.GetEventDefinition(eh).Name)] = "event";
                    foreach (var nh in d.GetNestedTypes()) members[r.GetString(r.GetTypeDefinition(nh).Name)] = "type";
                    var entry = new SortedDictionary<string, object>(StringComparer.Ordinal);
                    entry["assembly"] = assembly;
                    entry["base"] = TypeRefName(r, d.BaseType);
                    entry["members"] = members;
                    types[DefName(r, h)] = entry;
                }
                foreach (var eh in r.ExportedTypes)
                {
                    var e = r.GetExportedType(eh);
                    var ns = r.GetString(e.Namespace);
                    var n = r.GetString(e.Name);
                    forwarded[ns.Length > 0 ? ns + "." + n : n] = assembly;
                }
            }
        }
        var root = new SortedDictionary<string, object>(StringComparer.Ordinal);
        root["types"] = types;
        root["forwarded"] = forwarded;
        return System.Text.Json.JsonSerializer.Serialize(root);
    }
}
'@

[Console]::Out.Write([ExTlsNetIndex]::Build([string[]]@($request.assemblies)))
