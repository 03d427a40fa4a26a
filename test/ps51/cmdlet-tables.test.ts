import { readFileSync } from 'node:fs';

// The cmdlet tables scripts/cmdlet-reference/build.mjs generated from the docs repositories (see data/cmdlets/README.md).
interface Parameter {
  type: string | null;
  aliases: string[];
  parameterSets: string[];
  applicable?: string[];
  acceptedValues?: string[];
}
interface Cmdlet {
  file: string;
  module?: string;
  applicable?: string[];
  aliases?: string[];
  commonParameters: boolean;
  parameterSets: { name: string; isDefault?: boolean; parameters: { name: string; mandatory: boolean; position: number | null }[] }[];
  parameters: Record<string, Parameter>;
}
interface Table {
  source: { title: string; repository: string; commit: string; folder: string; generatedBy: string; note?: string };
  cmdlets: Record<string, Cmdlet>;
}
const load = (name: string): Table =>
  JSON.parse(readFileSync(new URL(`../../data/cmdlets/${name}.json`, import.meta.url), 'utf8')) as Table;
function cmdlet(table: Table, name: string): Cmdlet {
  const c = table.cmdlets[name];
  if (!c) throw new Error(`${name} is not in the table`);
  return c;
}
function param(c: Cmdlet, name: string): Parameter {
  const p = c.parameters[name];
  if (!p) throw new Error(`${name} is not a parameter`);
  return p;
}

describe('Windows PowerShell 5.1 cmdlet table (data/cmdlets/ps51.json)', () => {
  const table = load('ps51');

  it('cites its repository, commit and folder', () => {
    expect(table.source.repository).toBe('https://github.com/MicrosoftDocs/PowerShell-Docs');
    expect(table.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(table.source.folder).toBe('reference/5.1');
    expect(Object.keys(table.cmdlets).length).toBeGreaterThan(300);
  });

  it('ConvertFrom-Json has only InputObject: no AsHashtable, no Depth', () => {
    const c = cmdlet(table, 'ConvertFrom-Json');
    expect(Object.keys(c.parameters)).toEqual(['InputObject']);
    expect(c.parameterSets[0]?.parameters[0]).toEqual({ name: 'InputObject', mandatory: true, position: 0 });
    expect(c.commonParameters).toBe(true);
  });

  it('Get-Content has -Encoding Byte and the alias Last of -Tail, but no -AsByteStream', () => {
    const c = cmdlet(table, 'Get-Content');
    expect(param(c, 'Encoding').acceptedValues).toContain('Byte');
    expect(c.parameters.AsByteStream).toBeUndefined();
    expect(param(c, 'Tail').aliases).toEqual(['Last']);
    expect(c.parameterSets.map((s) => s.name)).toEqual(['Path', 'LiteralPath']);
    expect(c.parameterSets[0]?.isDefault).toBe(true);
    const literal = c.parameterSets[1]?.parameters.find((p) => p.name === 'LiteralPath');
    expect(literal).toEqual({ name: 'LiteralPath', mandatory: true, position: null });
  });

  it('has no 7-only cmdlets, and keeps the aliases the NOTES list', () => {
    for (const name of ['Join-String', 'ConvertFrom-Markdown', 'Get-Error', 'Test-Json', 'Remove-Alias']) {
      expect(table.cmdlets[name]).toBeUndefined();
    }
    expect(cmdlet(table, 'ForEach-Object').parameters.Parallel).toBeUndefined();
    expect(cmdlet(table, 'ForEach-Object').aliases).toEqual(expect.arrayContaining(['%', 'foreach']));
  });
});

describe('Exchange cmdlet table (data/cmdlets/exchange.json)', () => {
  const table = load('exchange');

  it('cites the folder the pages live in now, and says the old one is gone', () => {
    expect(table.source.repository).toBe('https://github.com/MicrosoftDocs/office-docs-powershell');
    expect(table.source.commit).toMatch(/^[0-9a-f]{40}$/);
    expect(table.source.folder).toBe('exchange/exchange-ps/ExchangePowerShell');
    expect(table.source.note).toContain('exchange/exchange-ps/exchange');
  });

  it('Set-SendConnector has RequireTLS and TlsAuthLevel, for every on-premises version', () => {
    const c = cmdlet(table, 'Set-SendConnector');
    expect(param(c, 'RequireTLS').type).toBe('Boolean');
    expect(param(c, 'TlsAuthLevel').type).toBe('TlsAuthLevel');
    for (const p of ['RequireTLS', 'TlsAuthLevel']) {
      expect(param(c, p).applicable).toEqual(
        expect.arrayContaining(['Exchange Server 2013', 'Exchange Server 2016', 'Exchange Server 2019', 'Exchange Server SE']),
      );
    }
    expect(c.applicable).toContain('Exchange Server 2019');
  });

  it('keeps each parameter set and the position of positional parameters', () => {
    const c = cmdlet(table, 'Get-ExchangeCertificate');
    expect(c.parameterSets.map((s) => s.name)).toEqual(['Identity', 'Instance', 'Thumbprint']);
    const thumbprint = c.parameterSets[2]?.parameters.find((p) => p.name === 'Thumbprint');
    expect(thumbprint).toEqual({ name: 'Thumbprint', mandatory: false, position: 1 });
  });
});
