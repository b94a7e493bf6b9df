import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { Aspects, CfnResource, FileSystem, IAspect, Lazy, Stack } from 'aws-cdk-lib';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct, IConstruct } from 'constructs';
import { bundleEntries, BundleOptions } from './bundle';

const BUNDLER_ID = 'EnsembleHandlers';

/**
 * Bundles every handler of a stack in one esbuild build.
 *
 * `NodejsFunction` starts esbuild once per function (~0.6 s of synth each). Here
 * each handler gets a {@link lambda.Code} whose S3 location is resolved late:
 * the entries are collected while the app is being defined, then bundled
 * together in one build when CDK visits the stack before synthesis, and one
 * asset is staged per handler. Synth time stays nearly flat as handlers are added.
 *
 * When the stack is excluded from bundling (`aws:cdk:bundling-stacks`, as in
 * unit tests and `cdk synth --exclusively`) the build is skipped and each
 * handler gets a placeholder asset.
 */
export class HandlerBundler extends Construct {
  /** The bundler of the stack that contains `scope`, created on first use. */
  public static of(scope: IConstruct): HandlerBundler {
    const stack = Stack.of(scope);
    const existing = stack.node.tryFindChild(BUNDLER_ID);
    return (existing as HandlerBundler | undefined) ?? new HandlerBundler(stack, BUNDLER_ID);
  }

  private readonly handlers = new Map<string, PendingHandler>();
  private built = false;

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    Aspects.of(this).add(new BuildOnVisit());
  }

  /**
   * Register an entry file and get the code of its Lambda function.
   *
   * @param key unique, filesystem-safe name of the handler within the stack
   * @param entry absolute path of the TypeScript or JavaScript entry file
   */
  public addHandler(name: string, entry: string, options: BundleOptions = {}): lambda.Code {
    if (this.built) {
      throw new Error(
        `[${this.node.path}] handler '${name}' (${entry}) was added after the stack was synthesized; define every task before synthesizing`,
      );
    }
    const key = bundleKey(name);
    if (this.handlers.has(key)) {
      throw new Error(
        `[${this.node.path}] two handlers are named '${name}'; give them distinct names`,
      );
    }
    const pending = new PendingHandler(key, entry, options);
    this.handlers.set(key, pending);
    return pending.code;
  }

  /** Run the one build and stage one asset per handler; idempotent. */
  public build(): void {
    if (this.built) return;
    this.built = true;
    const all = [...this.handlers.values()];
    if (all.length === 0) return;
    const outdir = FileSystem.mkdtemp('cdk-ensemble-bundle');
    if (Stack.of(this).bundlingRequired) {
      bundleEntries(
        all.map((h) => ({ key: h.key, entry: h.entry, options: h.options })),
        outdir,
      );
    } else {
      writePlaceholders(
        all.map((h) => h.key),
        outdir,
      );
    }
    for (const handler of all) {
      handler.stage(this, path.join(outdir, handler.key));
    }
    // Staging copied the bundles into the assembly; without staging the assets point here.
    if (!this.node.tryGetContext(cxapi.DISABLE_ASSET_STAGING_CONTEXT)) {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  }
}

/**
 * A folder name for a handler: readable, filesystem-safe, and distinct even on
 * case-insensitive filesystems (a short hash of the exact name).
 */
export function bundleKey(name: string): string {
  const readable = name
    .replace(/[^A-Za-z0-9-]+/g, '-')
    .toLowerCase()
    .slice(0, 60);
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${readable}-${hash}`;
}

class BuildOnVisit implements IAspect {
  public visit(node: IConstruct): void {
    if (node instanceof HandlerBundler) node.build();
  }
}

class PendingHandler {
  public readonly code: lambda.Code;
  private asset?: s3assets.Asset;
  private readonly resources: CfnResource[] = [];

  constructor(
    public readonly key: string,
    public readonly entry: string,
    public readonly options: BundleOptions,
  ) {
    this.code = new LateAssetCode(this);
  }

  public stage(scope: Construct, dir: string): void {
    this.asset = new s3assets.Asset(scope, this.key, { path: dir });
    for (const resource of this.resources) this.asset.addResourceMetadata(resource, 'Code');
  }

  public bucketName(): string {
    return this.staged().s3BucketName;
  }

  public objectKey(): string {
    return this.staged().s3ObjectKey;
  }

  public bindToResource(resource: CfnResource): void {
    this.resources.push(resource);
  }

  private staged(): s3assets.Asset {
    if (!this.asset) {
      throw new Error(
        `handler '${this.key}' (${this.entry}) was not bundled: its stack was synthesized without running aspects`,
      );
    }
    return this.asset;
  }
}

class LateAssetCode extends lambda.Code {
  constructor(private readonly handler: PendingHandler) {
    super();
  }

  public bind(_scope: Construct): lambda.CodeConfig {
    return {
      s3Location: {
        bucketName: Lazy.string({ produce: () => this.handler.bucketName() }),
        objectKey: Lazy.string({ produce: () => this.handler.objectKey() }),
      },
    };
  }

  public bindToResource(resource: CfnResource): void {
    this.handler.bindToResource(resource);
  }
}

function writePlaceholders(keys: string[], outdir: string): void {
  for (const key of keys) {
    fs.mkdirSync(path.join(outdir, key), { recursive: true });
    // The key makes each placeholder's hash distinct, as real bundles would be.
    fs.writeFileSync(
      path.join(outdir, key, 'index.js'),
      `// ${key}: bundling skipped for this stack\nexports.handler = async () => { throw new Error('bundling was skipped for this stack'); };\n`,
    );
  }
}
