/** Logs three lines through the service's batched logger, then exits at once: the test reads its stdout. */
import { createPinoLogger } from '../../src/adapters/logging/pino.logger.js';

const logger = createPinoLogger({ level: 'info', batched: true });
for (let i = 0; i < 3; i += 1) logger.info('line before exit', { i });
process.exit(0);
