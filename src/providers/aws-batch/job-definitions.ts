// One job definition per container image. SubmitJob's containerOverrides can change the
// command, environment and resourceRequirements but not the image
// (https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerOverrides.html),
// so each image gets its own definition, named from a hash of the image and reused:
// DescribeJobDefinitions(name, ACTIVE) first, RegisterJobDefinition only when absent.
import { createHash } from 'node:crypto';
import {
  DescribeJobDefinitionsCommand,
  RegisterJobDefinitionCommand,
  type BatchClient,
} from '@aws-sdk/client-batch';

export const jobDefinitionNameFor = (image: string): string =>
  `switchyard-${createHash('sha256').update(image).digest('hex').slice(0, 24)}`;

export class JobDefinitions {
  /** image → "name:revision"; a process-local cache, the provider stays the source of truth. */
  private readonly known = new Map<string, string>();

  constructor(private readonly client: BatchClient) {}

  async forImage(image: string): Promise<string> {
    const cached = this.known.get(image);
    if (cached) return cached;
    const name = jobDefinitionNameFor(image);
    const found = await this.client.send(
      new DescribeJobDefinitionsCommand({ jobDefinitionName: name, status: 'ACTIVE' }),
    );
    const latest = (found.jobDefinitions ?? [])
      .filter((d) => d.containerProperties?.image === image)
      .sort((a, b) => (b.revision ?? 0) - (a.revision ?? 0))[0];
    let ref: string;
    if (latest?.revision !== undefined) {
      ref = `${name}:${latest.revision}`;
    } else {
      const created = await this.client.send(
        new RegisterJobDefinitionCommand({
          jobDefinitionName: name,
          type: 'container',
          // Minimal defaults: every SubmitJob overrides VCPU, MEMORY and GPU for its offer.
          containerProperties: {
            image,
            resourceRequirements: [
              { type: 'VCPU', value: '1' },
              { type: 'MEMORY', value: '2048' },
            ],
          },
          tags: { 'switchyard:managed': 'true' },
        }),
      );
      ref = `${created.jobDefinitionName ?? name}:${created.revision ?? 1}`;
    }
    this.known.set(image, ref);
    return ref;
  }
}
