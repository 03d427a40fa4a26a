// scripts/cmdlet-reference/platyps.mjs on small pages in the two platyPS layouts the docs repositories use.
// @ts-expect-error: a plain .mjs script without types
import { parseCmdletMarkdown } from '../../scripts/cmdlet-reference/platyps.mjs';

const fence = '```';
const page = (front: string, syntax: string, params: string, notes = '') =>
  `---\n${front}\n---\n\n# Test-Thing\n\n## SYNOPSIS\nx\n\n## SYNTAX\n\n${syntax}\n## PARAMETERS\n\n${params}\n## NOTES\n\n${notes}\n`;

it('reads sets from headings, positional and mandatory parameters, per-set yaml blocks and Applicable lines', () => {
  const text = page(
    'applicable: Exchange Server 2016, Exchange Server 2019\nModule Name: ExchangePowerShell\ntitle: Test-Thing',
    `### Identity (Default)\n${fence}\nTest-Thing [-Identity] <String> [-Force] [<CommonParameters>]\n${fence}\n\n### Filter\n${fence}\nTest-Thing [[-Filter] <String>]\n -Server <Fqdn> [<CommonParameters>]\n${fence}\n`,
    [
      `### -Identity\n\n> Applicable: Exchange Server 2019\n\ntext\n\n${fence}yaml\nType: String\nParameter Sets: Identity\nAliases: Id, Ident\n\nRequired: True\nPosition: 0\n${fence}\n`,
      `### -Filter\n\n${fence}yaml\nType: String\nParameter Sets: Filter\nAliases:\n\nRequired: False\nPosition: 0\n${fence}\n`,
      `### -Server\n\n${fence}yaml\nType: Fqdn\nParameter Sets: Filter\nAliases:\nAccepted values: A, B\n\nRequired: True\nPosition: Named\n${fence}\n`,
      `### -Force\n\n${fence}yaml\nType: SwitchParameter\nParameter Sets: (All)\nAliases:\n${fence}\n`,
      '### CommonParameters\n\nThis cmdlet supports the common parameters.\n',
    ].join('\n'),
  );
  const c = parseCmdletMarkdown(text);
  expect(c.name).toBe('Test-Thing');
  expect(c.module).toBe('ExchangePowerShell');
  expect(c.applicable).toEqual(['Exchange Server 2016', 'Exchange Server 2019']);
  expect(c.commonParameters).toBe(true);
  expect(c.parameterSets).toEqual([
    { name: 'Identity', isDefault: true, parameters: [{ name: 'Identity', mandatory: true, position: 0 }, { name: 'Force', mandatory: false, position: null }] },
    { name: 'Filter', parameters: [{ name: 'Filter', mandatory: false, position: 0 }, { name: 'Server', mandatory: true, position: null }] },
  ]);
  expect(c.parameters.Identity).toEqual({ type: 'String', aliases: ['Id', 'Ident'], parameterSets: ['Identity'], applicable: ['Exchange Server 2019'] });
  expect(c.parameters.Server.acceptedValues).toEqual(['A', 'B']);
  expect(Object.keys(c.parameters)).toEqual(['Identity', 'Filter', 'Server', 'Force']);
});

it('one block without headings is __AllParameterSets; NOTES aliases; an undocumented syntax parameter is kept and marked', () => {
  const text = page(
    'title: Test-Thing',
    `${fence}\nTest-Thing [-Path] <String[]> [-Extra <Int32>] [<CommonParameters>]\n${fence}\n`,
    `### -Path\n\n${fence}yaml\nType: System.String[]\nParameter Sets: (All)\nAliases: PSPath\n\nRequired: True\nPosition: 0\n${fence}\n`,
    'Windows PowerShell includes the following aliases for `Test-Thing`:\n\n- `tt`\n- `thing`\n\nMore prose.\n',
  );
  const c = parseCmdletMarkdown(text);
  expect(c.parameterSets).toEqual([
    { name: '__AllParameterSets', parameters: [{ name: 'Path', mandatory: true, position: 0 }, { name: 'Extra', mandatory: false, position: null }] },
  ]);
  expect(c.aliases).toEqual(['tt', 'thing']);
  expect(c.parameters.Extra).toEqual({ type: 'Int32', aliases: [], parameterSets: ['__AllParameterSets'], undocumented: true });
});

it('a page without SYNTAX (a module page) is no cmdlet', () => {
  expect(parseCmdletMarkdown('---\nModule Name: X\n---\n\n# X Module\n\n## Description\nx\n')).toBeNull();
});
