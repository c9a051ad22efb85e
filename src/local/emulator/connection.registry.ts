import type { EmulatedConnection } from './emulated-connection.js';

/** Every connection of the emulator by id, whatever its stage. A closed connection is removed at once. */
export class ConnectionRegistry {
  private readonly byId = new Map<string, EmulatedConnection>();

  add(connection: EmulatedConnection): void {
    this.byId.set(connection.connectionId, connection);
  }

  get(connectionId: string): EmulatedConnection | undefined {
    return this.byId.get(connectionId);
  }

  remove(connectionId: string): void {
    this.byId.delete(connectionId);
  }

  open(): EmulatedConnection[] {
    return [...this.byId.values()].filter((c) => c.state === 'open');
  }
}
