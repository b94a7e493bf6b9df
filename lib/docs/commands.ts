import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command } from 'commander';
import { ContextContract, contractsOfTemplates } from '../events/contract';
import { contractChanges, contractsFile, ContractsFile } from '../events/contract-diff';
import { AssemblyError } from '../runtime/assembly';
import { asyncApiDocument } from './asyncapi';
import { contextMapMermaid } from './context-map';
import { contextPage } from './context-page';

/** Where the commands write, and how they report their exit code. */
export interface DocsCommandIo {
  out(line: string): void;
  err(line: string): void;
  exit(code: number): void;
}

/**
 * The contracts of the contexts of a cloud assembly (`cdk.out`, stages
 * included), read from their state machines' metadata.
 */
export function assemblyContracts(dir: string): ContextContract[] {
  const manifestFile = path.join(dir, 'manifest.json');
  if (!fs.existsSync(manifestFile)) {
    throw new AssemblyError(
      `no cloud assembly at ${path.resolve(dir)} (manifest.json is missing). Run 'npx cdk synth' first, or pass the directory it wrote with --app.`,
    );
  }
  return contractsOfTemplates(templatesOf(dir));
}

type Template = Parameters<typeof contractsOfTemplates>[0][number];

function templatesOf(dir: string): Template[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    artifacts?: Record<string, { type: string; properties?: Record<string, string> }>;
  };
  return Object.values(manifest.artifacts ?? {}).flatMap((artifact) => {
    const props = artifact.properties ?? {};
    if (artifact.type === 'aws:cloudformation:stack' && props.templateFile) {
      return [JSON.parse(fs.readFileSync(path.join(dir, props.templateFile), 'utf8')) as Template];
    }
    if (artifact.type === 'cdk:cloud-assembly' && props.directoryName) {
      return templatesOf(path.join(dir, props.directoryName));
    }
    return [];
  });
}

/**
 * Write the docs of an app into `out`: `asyncapi.json` (AsyncAPI 3.0),
 * `context-map.mmd` (Mermaid), `context-map.md` and one `<source>.md` per
 * context (`food.orders.md`). Returns the files written.
 */
export function writeDocs(contracts: readonly ContextContract[], out: string): string[] {
  fs.mkdirSync(out, { recursive: true });
  const map = contextMapMermaid(contracts);
  const files: Record<string, string> = {
    'asyncapi.json': JSON.stringify(asyncApiDocument(contracts), null, 2) + '\n',
    'context-map.mmd': map,
    'context-map.md':
      ['# Context map', '', '```mermaid', map.trimEnd(), '```', '', 'Contexts:', '']
        .concat(contracts.map((c) => `- [${c.contextName}](${c.source}.md) (\`${c.source}\`)`))
        .join('\n') + '\n',
  };
  for (const context of contracts) files[`${context.source}.md`] = contextPage(context);
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(out, name), text);
  return Object.keys(files).map((name) => path.join(out, name));
}

/** Add `docs` and `contracts` (with `contracts check`) to the command line. */
export function addDocsCommands(program: Command, io: DocsCommandIo): void {
  const app = [
    '--app <dir>',
    "the cloud assembly directory written by 'cdk synth'",
    'cdk.out',
  ] as const;
  program
    .command('docs')
    .description(
      'Write the docs of a synthesized app: an AsyncAPI 3.0 document, a Mermaid context map and a page per context.',
    )
    .option(...app)
    .requiredOption('--out <dir>', 'the directory to write them to')
    .action((options: { app: string; out: string }) => {
      for (const file of writeDocs(assemblyContracts(options.app), options.out)) io.out(file);
    });
  const contracts = program
    .command('contracts')
    .description(
      'Print the event contracts of a synthesized app as JSON, to commit (cdk-ensemble contracts > contracts.json).',
    )
    .option(...app)
    .action((options: { app: string }) => {
      io.out(JSON.stringify(contractsFile(assemblyContracts(options.app)), null, 2));
    });
  contracts
    .command('check')
    .description(
      'Compare the contracts of a synthesized app with a baseline: exit 1 on a breaking change (an event removed, a field removed, a type changed, a new required field), 0 otherwise.',
    )
    .option(...app)
    .requiredOption(
      '--baseline <file.json>',
      "contracts written before by 'cdk-ensemble contracts'",
    )
    // --app belongs to `contracts`, before or after `check`.
    .action((options: { baseline: string }, command: Command) => {
      const { app: appDir } = command.parent!.opts<{ app: string }>();
      const baseline = JSON.parse(fs.readFileSync(options.baseline, 'utf8')) as ContractsFile;
      const changes = contractChanges(baseline, contractsFile(assemblyContracts(appDir)));
      for (const c of changes) {
        io.out(`${c.breaking ? 'BREAKING  ' : 'compatible'} ${c.event}: ${c.message}`);
      }
      const breaking = changes.filter((c) => c.breaking).length;
      io.out(
        breaking > 0
          ? `${breaking} breaking change${breaking > 1 ? 's' : ''}: consumers written against ${options.baseline} may break.`
          : `No breaking change against ${options.baseline}.`,
      );
      io.exit(breaking > 0 ? 1 : 0);
    });
}
