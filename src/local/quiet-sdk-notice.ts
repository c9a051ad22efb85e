import { quietSdkNodeNotice } from './local-stack.config.js';

/**
 * Imported first by the local entry points (npm start, token, post): the AWS SDK prints, once per process,
 * that its 2027 releases will need Node 22. Node 20 is supported locally (Lambda and the container run
 * Node 22), so the notice is noise; the SDK reads the variable only when its modules load and its clients
 * are built, which is after this module ran.
 */
quietSdkNodeNotice();
