// One Switchyard Lambda function: the runtime, bundling, logging and tracing settings that
// every handler shares, plus a role of its own that starts with no permissions at all.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ALIAS, EXTERNAL, MAIN_FIELDS, REQUIRE_SHIM, TARGET } from '../bundling/esbuild-options.js';
import type { FunctionName } from '../config.js';

/** CloudWatch namespace for the handlers' Powertools metrics (also read by the dashboard). */
export const METRICS_NAMESPACE = 'Switchyard';


export interface ServiceFunctionProps {
  name: FunctionName;
  stage: string;
  functionsDir: string;
  projectRoot: string;
  description: string;
  timeout: Duration;
  memorySize: number;
  logRetention: logs.RetentionDays;
  environment: Record<string, string>;
}

export class ServiceFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);

    const entry = join(props.functionsDir, `${props.name}.ts`);
    if (!existsSync(entry)) {
      throw new Error(`Lambda entry point ${entry} does not exist`);
    }

    // Created here rather than by Lambda on first write so that retention is set and the
    // role can be limited to this one log group (no AWSLambdaBasicExecutionRole, which
    // allows writing to every log group in the account).
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/switchyard-${props.stage}-${props.name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `switchyard ${props.stage} ${props.name} function: only what this handler needs`,
    });
    this.logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      functionName: `switchyard-${props.stage}-${props.name}`,
      description: props.description,
      entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: join(props.projectRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        STAGE: props.stage,
        POWERTOOLS_SERVICE_NAME: `switchyard-${props.name}`,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        // Stack traces in logs point at the TypeScript sources rather than minified output.
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        // Local esbuild from node_modules: no Docker needed to synthesize or deploy.
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        // The settings shared with bench/lambda.ts (../bundling/esbuild-options.ts).
        target: TARGET,
        mainFields: MAIN_FIELDS,
        banner: REQUIRE_SHIM,
        esbuildArgs: Object.fromEntries(Object.entries(ALIAS).map(([from, to]) => [`--alias:${from}`, to])),
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        // Maps only need names and positions; leaving the sources out keeps the zip small.
        sourcesContent: false,
        externalModules: EXTERNAL,
      },
    });

    // AwsSolutions-L1 asks for the newest Node.js runtime. nodejs22.x is the LTS release the
    // code and its types target (package.json engines, @types/node 22); moving to a newer
    // runtime is a deliberate upgrade, not something to drift into.
    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'Pinned to nodejs22.x, the Node.js LTS that the handlers and their types target; runtime upgrades are made deliberately.',
    });
    // Active tracing adds xray:PutTraceSegments/PutTelemetryRecords, which have no
    // resource-level permissions, so IAM requires Resource "*" for them. (test/infra/iam.test.ts
    // checks that nothing else on any role uses Resource "*".)
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'Resource "*" is used only for actions without resource-level permissions: the X-Ray writes of active tracing and, when the AWS Batch fallback is on, Batch Describe/List calls.',
    });
  }
}
