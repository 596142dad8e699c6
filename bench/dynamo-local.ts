// DynamoDB Local for a bench, started again when a loaded machine keeps it from answering
// within the start deadline (the failed process is killed by startDynamoDbLocal).
import { startDynamoDbLocal, type DynamoDbLocal } from '../src/local/dynamodb-local.js';

export const startBenchDynamo = async (tries = 4): Promise<DynamoDbLocal> => {
  for (let i = 1; ; i++) {
    try {
      return await startDynamoDbLocal();
    } catch (error) {
      if (i >= tries) throw error;
      console.error(`DynamoDB Local did not start (try ${i} of ${tries}); starting it again`);
    }
  }
};
