// A real embedded S3-compatible server (s3rver) for one test file, reached through the
// real S3 client like everything else.
import { startLocalS3, type LocalS3 } from '../../src/local/s3-local.js';

export const startTestS3 = (): Promise<LocalS3> => startLocalS3();
