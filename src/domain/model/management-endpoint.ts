import { InvalidEndpointError } from '../errors/domain.error.js';

/** The fields API Gateway puts in `event.requestContext` that locate a connection's API and stage. */
export interface EndpointLocation {
  apiId: string;
  domainName: string;
  stage: string;
}

/** A management endpoint as stored beside each connection. */
export interface ManagementEndpointProps extends EndpointLocation {
  /** Base URL of the @connections API, e.g. `https://abc123.execute-api.eu-west-1.amazonaws.com/dev`. */
  url: string;
  /** Region to sign for: always the endpoint's own region, never the caller's. */
  region: string;
}

/** An AWS region name such as `eu-west-1` or `us-gov-west-1`. */
export const AWS_REGION_PATTERN = /^[a-z]{2}(?:-[a-z]+)+-\d+$/;

const EXECUTE_API_HOST = /^([a-z0-9]+)\.execute-api\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/;
const LOOPBACK_HOST = /^(?:localhost|127(?:\.\d{1,3}){3}|\[::1\])(?::\d{1,5})?$/;
const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*(?::\d{1,5})?$/;
const API_ID = /^[a-z0-9]{1,64}$/;
const STAGE = /^[A-Za-z0-9_$-]{1,128}$/;

/**
 * Value object: where to post to a connection. Built once at `$connect` from the connection's own
 * requestContext, so that a sender in another stage, stack, domain or region still posts to the right place.
 */
export class ManagementEndpoint implements ManagementEndpointProps {
  private constructor(
    readonly apiId: string,
    readonly domainName: string,
    readonly stage: string,
    readonly url: string,
    readonly region: string,
  ) {}

  /**
   * - execute-api domain → `https://{domainName}/{stage}`, region read from the domain;
   * - loopback host (local emulator) → `http://{host}/{stage}`, region = `defaultRegion`;
   * - custom domain → `https://{apiId}.execute-api.{defaultRegion}.amazonaws.com/{stage}` (a custom domain's
   *   base path mapping makes `domainName/stage` wrong).
   */
  static fromRequestContext(location: EndpointLocation, defaultRegion: string): ManagementEndpoint {
    // Events come from outside: a field of the wrong type is refused like a malformed one, never a TypeError.
    const apiId = text(location.apiId);
    const domainName = text(location.domainName).toLowerCase();
    const stage = text(location.stage);
    if (!API_ID.test(apiId)) throw new InvalidEndpointError(`apiId "${apiId}" is not an API Gateway id`);
    if (!STAGE.test(stage)) throw new InvalidEndpointError(`stage "${stage}" is not a valid stage name`);
    const stagePath = encodeURIComponent(stage);

    const executeApi = EXECUTE_API_HOST.exec(domainName);
    if (executeApi) {
      const [, hostApiId, region] = executeApi as unknown as [string, string, string];
      if (hostApiId !== apiId) {
        throw new InvalidEndpointError(`domainName "${domainName}" belongs to API ${hostApiId}, not ${apiId}`);
      }
      return new ManagementEndpoint(apiId, domainName, stage, `https://${domainName}/${stagePath}`, region);
    }

    if (typeof defaultRegion !== 'string' || !AWS_REGION_PATTERN.test(defaultRegion)) throw new InvalidEndpointError(`region "${defaultRegion}" is not an AWS region`);
    if (LOOPBACK_HOST.test(domainName)) {
      return new ManagementEndpoint(apiId, domainName, stage, `http://${domainName}/${stagePath}`, defaultRegion);
    }
    if (!HOSTNAME.test(domainName)) {
      throw new InvalidEndpointError(`domainName "${domainName}" is not a host name`);
    }
    const url = `https://${apiId}.execute-api.${defaultRegion}.amazonaws.com/${stagePath}`;
    return new ManagementEndpoint(apiId, domainName, stage, url, defaultRegion);
  }

  /** Rebuilds an endpoint read back from storage (trusted: it was validated when first built). */
  static restore(props: ManagementEndpointProps): ManagementEndpoint {
    return new ManagementEndpoint(props.apiId, props.domainName, props.stage, props.url, props.region);
  }

  /** Key of the API + stage this endpoint serves. */
  get key(): string {
    return `${this.apiId}/${this.stage}`;
  }

  toJSON(): ManagementEndpointProps {
    return { apiId: this.apiId, domainName: this.domainName, stage: this.stage, url: this.url, region: this.region };
  }
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
