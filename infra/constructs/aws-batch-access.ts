// Permissions for the AWS Batch cloud fallback (src/providers/aws-batch), granted to a
// function's own role so that no long-lived access keys need to sit in the provider secret.
// Only when the stage names the job queues it may use (context awsBatchJobQueueArns).
import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * The adapter names every job definition it registers `switchyard-<hash of image>`
 * (jobDefinitionNameFor in src/providers/aws-batch/job-definitions.ts; a test keeps the two
 * in step), so the role can be limited to those definitions.
 */
export const JOB_DEFINITION_PREFIX = 'switchyard-';

/** Actions IAM only accepts with Resource "*": they have no resource-level permissions. */
export const BATCH_READ_ACTIONS = ['batch:DescribeJobs', 'batch:ListJobs', 'batch:DescribeJobDefinitions'];

export function grantAwsBatchFallback(role: iam.Role, jobQueueArns: string[]): void {
  const stack = Stack.of(role);
  const arn = (resourceName: string): string =>
    stack.formatArn({ service: 'batch', resource: resourceName.split('/')[0]!, resourceName: resourceName.split('/')[1] });
  const jobDefinitions = arn(`job-definition/${JOB_DEFINITION_PREFIX}*`);
  const jobs = arn('job/*');

  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'BatchSubmitToConfiguredQueues',
      actions: ['batch:SubmitJob'],
      resources: [...jobQueueArns, jobDefinitions],
    }),
  );
  role.addToPolicy(
    new iam.PolicyStatement({
      sid: 'BatchRegisterOwnJobDefinitions',
      actions: ['batch:RegisterJobDefinition'],
      resources: [jobDefinitions],
    }),
  );
  // Submitting or registering with tags (attempt id, job id) needs TagResource on the new resource.
  role.addToPolicy(
    new iam.PolicyStatement({ sid: 'BatchTagOnCreate', actions: ['batch:TagResource'], resources: [jobDefinitions, jobs] }),
  );
  role.addToPolicy(new iam.PolicyStatement({ sid: 'BatchCancelJobs', actions: ['batch:TerminateJob'], resources: [jobs] }));
  role.addToPolicy(new iam.PolicyStatement({ sid: 'BatchRead', actions: BATCH_READ_ACTIONS, resources: ['*'] }));

  const reason =
    'Batch jobs and job-definition revisions are created at run time, so their ARNs can only be patterns; both are limited to this account and region, and job definitions to the switchyard- prefix the adapter uses.';
  const where = 'arn:<AWS::Partition>:batch:<AWS::Region>:<AWS::AccountId>';
  Validations.of(role).acknowledge(
    { id: `AwsSolutions-IAM5[Resource::${where}:job-definition/${JOB_DEFINITION_PREFIX}*]`, reason },
    { id: `AwsSolutions-IAM5[Resource::${where}:job/*]`, reason },
  );
}
