/** Tokens of things the composition root registers besides the ports. */
export const CORE_CONFIG = Symbol.for('socketpost.CoreConfig');
export const DYNAMODB_DOCUMENT_CLIENT = Symbol.for('socketpost.DynamoDbDocumentClient');
/** The Prometheus registry behind `GET /metrics` (undefined with METRICS=off). */
export const PROMETHEUS_METRICS = Symbol.for('socketpost.PrometheusMetrics');
/** The EMF writer of the REST service (flushed on a timer when METRICS_EMF_INTERVAL_SECONDS > 0). */
export const EMF_METRICS = Symbol.for('socketpost.EmfMetrics');
