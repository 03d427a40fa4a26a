// .github/workflows/windows.yml (the Windows CI for forks) validated with GitHub's own workflow parser
// (@actions/workflow-parser: the schema and the expression checks of Actions). It cannot run here (no Windows);
// this proves it is a workflow Actions accepts and that it does what docs/windows-ci.md says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertWorkflowTemplate, NoOperationTraceWriter, parseWorkflow } from '@actions/workflow-parser';
import { packageRoot } from '../../src/util/paths.js';

const file = join(packageRoot, '.github', 'workflows', 'windows.yml');
const content = readFileSync(file, 'utf8');

async function validate(text: string) {
  const parsed = parseWorkflow({ name: 'windows.yml', content: text }, new NoOperationTraceWriter());
  const errors = parsed.context.errors.getErrors().map((e) => e.message);
  if (!parsed.value) return { errors, template: { jobs: [] as unknown[], errors: [] } };
  const template = await convertWorkflowTemplate(parsed.context, parsed.value);
  errors.push(...(template.errors ?? []).map((e: { Message: string }) => e.Message));
  return { errors, template };
}

it('windows.yml is a valid GitHub Actions workflow', async () => {
  const { errors, template } = await validate(content);
  expect(errors).toEqual([]);
  expect(template.jobs).toHaveLength(1);
});

it('the validator rejects a broken workflow (an unknown key, a bad expression)', async () => {
  const broken = content.replace('runs-on: windows-latest', 'runs-onn: windows-latest').replace('${{ runner.temp }}', '${{ runner.temp ) }}');
  const { errors } = await validate(broken);
  expect(errors.join('\n')).toMatch(/runs-onn/);
  expect(errors.length).toBeGreaterThan(1);
});

it('runs what docs/windows-ci.md says: Pester on 5.1 and 7, live collector + schema, loopback WinRM, remediate -WhatIf', async () => {
  const { template } = await validate(content);
  const job = template.jobs[0] as unknown as { steps: { name?: { value?: string }; run?: { value?: string }; with?: unknown }[] };
  const steps = JSON.stringify(template.jobs[0]);
  expect(content).toMatch(/runs-on: windows-latest/);
  const runs = job.steps.map((s) => ({ name: String(s.name?.value ?? ''), run: String(s.run?.value ?? '') }));
  const step = (name: RegExp) => {
    const found = runs.find((s) => name.test(s.name));
    if (!found) throw new Error(`no step named ${name} in ${steps.slice(0, 200)}`);
    return found.run;
  };
  expect(step(/Pester suite on Windows PowerShell 5\.1/)).toContain('run-pester.ps1');
  expect(step(/Pester suite on PowerShell 7/)).toContain('run-pester.ps1');
  expect(step(/Collector on the live registry, Windows PowerShell 5\.1/)).toContain('check-collector-output.mjs --scanned');
  expect(step(/Enable WinRM/)).toContain('Enable-PSRemoting');
  expect(step(/inventory over WinRM/)).toMatch(/transport = 'winrm'[\s\S]*check-inventory-ok\.mjs/);
  expect(step(/remediate\.ps1 -WhatIf/)).toMatch(/-WhatIf[\s\S]*changed the registry/);
  // the shells: Windows PowerShell 5.1 is `powershell`, PowerShell 7 is `pwsh`
  expect(content).toMatch(/shell: powershell\n\s+run: \|\n\s+& \.\\scripts\\run-pester\.ps1/);
});
