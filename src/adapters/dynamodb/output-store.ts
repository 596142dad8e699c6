// Output manifests on DynamoDB, beside the job item (not in it: a thousand file entries would
// crowd the job item and every write of it):
//   declared by an attempt   pk=JOB#<jobId>  sk=OUTPUTS#DECLARED#<attemptId>
//   listed (committed)       pk=JOB#<jobId>  sk=OUTPUTS#LISTED
//   refused (over the cap)   pk=JOB#<jobId>  sk=OUTPUTS#REFUSED
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { OutputManifest, OutputRefusal, OutputStore } from '../../core/outputs.js';

const key = (jobId: string, sk: string) => ({ pk: `JOB#${jobId}`, sk });

export class DynamoOutputStore implements OutputStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  private async put(jobId: string, sk: string, value: Record<string, unknown>): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...key(jobId, sk), value } }));
  }

  private async read<T>(jobId: string, sk: string): Promise<T | undefined> {
    const out = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key(jobId, sk), ConsistentRead: true }));
    return out.Item?.value as T | undefined;
  }

  putDeclared(manifest: OutputManifest): Promise<void> {
    return this.put(manifest.jobId, `OUTPUTS#DECLARED#${manifest.attemptId}`, { ...manifest });
  }

  declared(jobId: string, attemptId: string): Promise<OutputManifest | undefined> {
    return this.read(jobId, `OUTPUTS#DECLARED#${attemptId}`);
  }

  putCommitted(manifest: OutputManifest & { committedAt: string }): Promise<void> {
    return this.put(manifest.jobId, 'OUTPUTS#LISTED', { ...manifest });
  }

  committed(jobId: string): Promise<OutputManifest | undefined> {
    return this.read(jobId, 'OUTPUTS#LISTED');
  }

  putRefusal(jobId: string, refusal: OutputRefusal): Promise<void> {
    return this.put(jobId, 'OUTPUTS#REFUSED', { ...refusal });
  }

  refusal(jobId: string): Promise<OutputRefusal | undefined> {
    return this.read(jobId, 'OUTPUTS#REFUSED');
  }
}
