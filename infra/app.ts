/** CDK entry point: `npm run synth` / `npm run deploy` (see infra/README.md). */
import { App } from 'aws-cdk-lib';
import { InfraConfigError } from './config.js';
import { buildSocketpostApp } from './socketpost-app.js';

try {
  const app = new App();
  buildSocketpostApp(app, process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION);
  app.synth();
} catch (error) {
  if (error instanceof InfraConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
