/** A port the local stack must listen on is taken; names the variable that moves it. */
export class PortInUseError extends Error {
  readonly code = 'PORT_IN_USE';

  constructor(
    readonly variable: 'PORT' | 'WS_PORT',
    readonly host: string,
    readonly port: number,
  ) {
    super(
      `port ${port} on ${host} is already in use (${variable}); stop what listens there, ` +
        `or set ${variable} to a free port (e.g. ${variable}=${port > 65_000 ? port - 100 : port + 100} npm start, or ${variable}=0 for any free port)`,
    );
    this.name = 'PortInUseError';
  }
}

/** Rethrows a listen failure as PortInUseError when the address is taken. */
export async function listenNaming<T>(variable: 'PORT' | 'WS_PORT', host: string, port: number, listen: () => Promise<T>): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    if ((error as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE') throw new PortInUseError(variable, host, port);
    throw error;
  }
}
