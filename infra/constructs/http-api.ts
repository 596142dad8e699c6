// API Gateway HTTP API in front of the Hono app: a catch-all route to the api function, and
// the payment paths (Stripe webhook, USDC) to the payments function, so the api function's
// bundle carries neither stripe nor the chain clients. Routing, authentication (API keys,
// Stripe webhook signatures) and problem+json errors all live in the application, where the
// local mode serves every route on one server and exercises exactly the same code.
import { Validations } from 'aws-cdk-lib';
// The access-log format class is shared with REST APIs and lives in that module.
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { CustomDomain } from '../config.js';

export interface HttpApiProps {
  stage: string;
  handler: lambda.IFunction;
  /** Exact paths (any method) that go to another function than `handler`. */
  routes?: { paths: readonly string[]; handler: lambda.IFunction }[];
  throttle: { rateLimit: number; burstLimit: number };
  logRetention: logs.RetentionDays;
  customDomain?: CustomDomain;
}

// One JSON object per request; the request id ties a log line to the Lambda's own logs.
const ACCESS_LOG_FORMAT = AccessLogFormat.custom(
  JSON.stringify({
    requestId: '$context.requestId',
    ip: '$context.identity.sourceIp',
    requestTime: '$context.requestTime',
    method: '$context.httpMethod',
    path: '$context.path',
    routeKey: '$context.routeKey',
    status: '$context.status',
    protocol: '$context.protocol',
    responseLength: '$context.responseLength',
    latencyMs: '$context.responseLatency',
    integrationLatencyMs: '$context.integrationLatency',
    integrationError: '$context.integrationErrorMessage',
    userAgent: '$context.identity.userAgent',
  }),
);

export class HttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogs: logs.LogGroup;
  readonly domainName?: apigw.DomainName;
  private readonly customDomainName?: string;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      logGroupName: `/aws/apigateway/switchyard-${props.stage}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    this.api = new apigw.HttpApi(this, 'Api', {
      apiName: `switchyard-${props.stage}`,
      description: 'Switchyard: one HTTP API for GPU jobs',
      defaultIntegration: new HttpLambdaIntegration('Handler', props.handler, {
        payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
      }),
      // The stage is created below, where throttling and access logs can be set on it.
      createDefaultStage: false,
      // With a custom domain, clients should use it; the execute-api URL would bypass it.
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });
    // ANY: the function answers 405 for a wrong method itself, as the local server does.
    for (const [i, { paths, handler }] of (props.routes ?? []).entries()) {
      const integration = new HttpLambdaIntegration(`Routes${i}`, handler, { payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0 });
      for (const path of paths) this.api.addRoutes({ path, methods: [apigw.HttpMethod.ANY], integration });
    }
    // No route has an API Gateway authorizer, on purpose (see the comment at the top).
    for (const route of this.api.node.findAll()) {
      if (route instanceof apigw.HttpRoute) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: 'Authentication is done by the application: API keys (hashed, tenant-scoped, with scopes) and signature-verified Stripe webhooks; an API Gateway authorizer would duplicate it and add latency.',
        });
      }
    }

    if (props.customDomain) {
      this.customDomainName = props.customDomain.domainName;
      this.domainName = new apigw.DomainName(this, 'DomainName', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', props.customDomain.certificateArn),
        securityPolicy: apigw.SecurityPolicy.TLS_1_2,
      });
    }

    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogs),
        format: ACCESS_LOG_FORMAT,
      },
      ...(this.domainName && { domainMapping: { domainName: this.domainName } }),
    });
  }

  /** The URL clients use: the custom domain when there is one. */
  get url(): string {
    if (this.customDomainName) return `https://${this.customDomainName}/`;
    const url = this.stage.url;
    if (url === undefined) throw new Error('the HTTP API stage has no URL');
    return url;
  }
}
