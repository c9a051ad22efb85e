/**
 * Which AWS calls a piece of the code can make, read from the source with the TypeScript compiler: from an
 * entry function, follow every function and method it references (through a port to each production
 * adapter implementing it), and collect the AWS SDK commands constructed on the way. The in-memory
 * adapters and the local dev kit are never deployed, so never followed.
 */
import path from 'node:path';
import ts from 'typescript';
import { REPO_ROOT } from '../../infra/paths.js';

export interface EntryPoint {
  /** Repository-relative or absolute path of the file. */
  file: string;
  /** A function declared (or exported as a const) in that file. */
  name: string;
}

export interface ReachedCalls {
  /** AWS SDK command classes constructed, e.g. `GetCommand`, `PostToConnectionCommand`. */
  commands: Set<string>;
  /** Kinds of transaction items built (`Put`, `Delete`, `Update`, `ConditionCheck`, `Get`). */
  transactionItems: Set<string>;
  /**
   * HTTP methods of a @connections adapter that signs its own requests (no SDK commands): `method: 'POST'`
   * properties, and `'POST'` given to a parameter named `method`.
   */
  connectionsMethods: Set<string>;
  /** Values of the table layout (`src/adapters/dynamodb/dynamodb-table.ts`) used by other files: the key kinds. */
  tableLayout: Set<string>;
  /** Every source function reached, as `file:name` (to explain a result). */
  functions: Set<string>;
}

const SRC = path.join(REPO_ROOT, 'src') + path.sep;
const NOT_DEPLOYED = [path.join(SRC, 'local') + path.sep, path.join(SRC, 'adapters', 'memory') + path.sep];
const TRANSACTION_ITEMS = new Set(['Put', 'Delete', 'Update', 'ConditionCheck', 'Get']);
const HTTP_METHODS = new Set(['POST', 'GET', 'DELETE']);
const TABLE_LAYOUT_FILE = path.join('adapters', 'dynamodb', 'dynamodb-table.ts');

const isDeployedSource = (file: string) => {
  const normalized = path.normalize(file);
  return normalized.startsWith(SRC) && !NOT_DEPLOYED.some((dir) => normalized.startsWith(dir));
};

type Body = ts.FunctionLikeDeclaration;

/** One TypeScript program over the entry files (and what they import), shared by every query. */
export class CodeCalls {
  private readonly program: ts.Program;
  private readonly checker: ts.TypeChecker;
  /** interface symbol → the production classes implementing it. */
  private readonly implementations = new Map<ts.Symbol, ts.ClassDeclaration[]>();

  constructor(entryFiles: readonly string[]) {
    const configFile = ts.readConfigFile(path.join(REPO_ROOT, 'tsconfig.json'), (f) => ts.sys.readFile(f));
    const parsed = ts.parseJsonConfigFileContent(configFile.config, ts.sys, REPO_ROOT);
    const adapters = ts.sys.readDirectory(path.join(REPO_ROOT, 'src', 'adapters'), ['.ts']);
    this.program = ts.createProgram({
      rootNames: [...entryFiles.map((f) => path.resolve(REPO_ROOT, f)), ...adapters],
      options: { ...parsed.options, noEmit: true },
    });
    this.checker = this.program.getTypeChecker();
    this.indexImplementations();
  }

  /** Everything reachable from these entry functions. */
  reach(entries: readonly EntryPoint[]): ReachedCalls {
    const reached: ReachedCalls = {
      commands: new Set(),
      transactionItems: new Set(),
      connectionsMethods: new Set(),
      tableLayout: new Set(),
      functions: new Set(),
    };
    const seen = new Set<ts.Node>();
    const queue: Body[] = entries.map((entry) => this.entryFunction(entry));
    const enqueue = (body: Body | undefined) => {
      if (body && body.body && !seen.has(body) && isDeployedSource(body.getSourceFile().fileName)) {
        seen.add(body);
        queue.push(body);
      }
    };

    while (queue.length > 0) {
      const fn = queue.pop()!;
      const file = fn.getSourceFile().fileName;
      reached.functions.add(`${path.relative(REPO_ROOT, file)}:${fn.name?.getText() ?? '(anonymous)'}`);
      const visit = (node: ts.Node): void => {
        if (ts.isNewExpression(node)) {
          const symbol = this.symbolOf(node.expression);
          const declaration = symbol?.declarations?.[0];
          const fromSdk = declaration && /node_modules[\\/]@aws-sdk[\\/]/.test(declaration.getSourceFile().fileName);
          // Commands only: building a client calls nothing.
          if (symbol && fromSdk && symbol.name.endsWith('Command')) {
            reached.commands.add(symbol.name);
          }
          if (declaration && ts.isClassDeclaration(declaration)) {
            for (const member of declaration.members) if (ts.isConstructorDeclaration(member)) enqueue(member);
          }
        }
        if (ts.isPropertyAssignment(node) && ts.isIdentifier(node.name)) {
          const key = node.name.text;
          if (TRANSACTION_ITEMS.has(key) && ts.isObjectLiteralExpression(node.initializer)) reached.transactionItems.add(key);
          if (
            key === 'method' &&
            ts.isStringLiteral(node.initializer) &&
            HTTP_METHODS.has(node.initializer.text) &&
            file.includes(`${path.sep}api-gateway${path.sep}`)
          ) {
            reached.connectionsMethods.add(node.initializer.text);
          }
        }
        if (ts.isCallExpression(node) && file.includes(`${path.sep}api-gateway${path.sep}`)) {
          // `this.call('POST', …)`: an HTTP method given to a parameter named `method`.
          const callee = this.symbolOf(node.expression)?.declarations?.find(ts.isFunctionLike);
          node.arguments.forEach((argument, i) => {
            const parameter = callee?.parameters[i];
            if (ts.isStringLiteral(argument) && HTTP_METHODS.has(argument.text) && parameter && parameter.name.getText() === 'method') {
              reached.connectionsMethods.add(argument.text);
            }
          });
        }
        if (ts.isIdentifier(node)) {
          for (const body of this.bodiesOf(node)) enqueue(body);
          const layout = this.tableLayoutValue(node);
          if (layout && !file.endsWith(TABLE_LAYOUT_FILE)) reached.tableLayout.add(layout);
        }
        ts.forEachChild(node, visit);
      };
      if (fn.body) visit(fn.body);
    }
    return reached;
  }

  private entryFunction(entry: EntryPoint): Body {
    const file = this.program.getSourceFile(path.resolve(REPO_ROOT, entry.file));
    if (!file) throw new Error(`entry file not found: ${entry.file}`);
    let found: Body | undefined;
    const visit = (node: ts.Node) => {
      if (ts.isFunctionDeclaration(node) && node.name?.text === entry.name) found = node;
      if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name) && node.name.text === entry.name && node.initializer) {
        if (ts.isArrowFunction(node.initializer) || ts.isFunctionExpression(node.initializer)) found = node.initializer;
      }
      if (!found) ts.forEachChild(node, visit);
    };
    visit(file);
    if (!found) throw new Error(`entry function ${entry.name} not found in ${entry.file}`);
    return found;
  }

  /** The name of a function or constant of the table layout file this identifier refers to. */
  private tableLayoutValue(identifier: ts.Identifier): string | undefined {
    const symbol = this.symbolOf(identifier);
    const declaration = symbol?.declarations?.[0];
    if (!symbol || !declaration || !declaration.getSourceFile().fileName.endsWith(TABLE_LAYOUT_FILE)) return undefined;
    return ts.isFunctionDeclaration(declaration) || ts.isVariableDeclaration(declaration) ? symbol.name : undefined;
  }

  private symbolOf(node: ts.Node): ts.Symbol | undefined {
    const symbol = this.checker.getSymbolAtLocation(node);
    return symbol && symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
  }

  /** The function bodies an identifier may run: its own declaration, or every production implementation of a port method. */
  private bodiesOf(identifier: ts.Identifier): Body[] {
    const symbol = this.symbolOf(identifier);
    const bodies: Body[] = [];
    for (const declaration of symbol?.declarations ?? []) {
      if (!isDeployedSource(declaration.getSourceFile().fileName)) continue;
      if (ts.isMethodSignature(declaration) && ts.isInterfaceDeclaration(declaration.parent)) {
        const port = this.symbolOf(declaration.parent.name);
        const name = declaration.name.getText();
        for (const cls of (port && this.implementations.get(port)) ?? []) {
          for (const member of cls.members) {
            if (ts.isMethodDeclaration(member) && member.name.getText() === name) bodies.push(member);
          }
        }
      } else if (ts.isFunctionLike(declaration) && 'body' in declaration) {
        bodies.push(declaration as Body);
      } else if (ts.isVariableDeclaration(declaration) && declaration.initializer) {
        const init = declaration.initializer;
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) bodies.push(init);
      }
    }
    return bodies;
  }

  private indexImplementations(): void {
    for (const file of this.program.getSourceFiles()) {
      if (!isDeployedSource(file.fileName)) continue;
      const visit = (node: ts.Node) => {
        if (ts.isClassDeclaration(node)) {
          for (const clause of node.heritageClauses ?? []) {
            if (clause.token !== ts.SyntaxKind.ImplementsKeyword) continue;
            for (const type of clause.types) {
              const port = this.symbolOf(type.expression);
              if (port) this.implementations.set(port, [...(this.implementations.get(port) ?? []), node]);
            }
          }
        }
        ts.forEachChild(node, visit);
      };
      visit(file);
    }
  }
}

/** IAM action of each DynamoDB command (document client and low-level client) and transaction item. */
const DYNAMODB_ACTIONS: Record<string, string> = {
  GetCommand: 'GetItem',
  PutCommand: 'PutItem',
  DeleteCommand: 'DeleteItem',
  UpdateCommand: 'UpdateItem',
  QueryCommand: 'Query',
  ScanCommand: 'Scan',
  BatchGetCommand: 'BatchGetItem',
  BatchWriteCommand: 'BatchWriteItem',
  GetItemCommand: 'GetItem',
  PutItemCommand: 'PutItem',
  DeleteItemCommand: 'DeleteItem',
  UpdateItemCommand: 'UpdateItem',
  BatchGetItemCommand: 'BatchGetItem',
  BatchWriteItemCommand: 'BatchWriteItem',
};
const TRANSACTIONS = new Set(['TransactWriteCommand', 'TransactGetCommand', 'TransactWriteItemsCommand', 'TransactGetItemsCommand']);
const TRANSACTION_ACTIONS: Record<string, string> = {
  Put: 'PutItem',
  Delete: 'DeleteItem',
  Update: 'UpdateItem',
  ConditionCheck: 'ConditionCheckItem',
  Get: 'GetItem',
};
/** @connections calls: `execute-api:ManageConnections` on `{stage}/{METHOD}/@connections/*`. */
const CONNECTIONS_METHODS: Record<string, string> = {
  PostToConnectionCommand: 'POST',
  GetConnectionCommand: 'GET',
  DeleteConnectionCommand: 'DELETE',
};

export interface UsedActions {
  /** `dynamodb:…` and `execute-api:ManageConnections:{METHOD}`, sorted. */
  actions: string[];
  /** SDK commands the mapping above does not know: a new kind of call the test must learn. */
  unknownCommands: string[];
}

/** The IAM actions the reached calls need. */
export function actionsOf(reached: ReachedCalls): UsedActions {
  const actions = new Set<string>();
  const unknownCommands: string[] = [];
  for (const command of reached.commands) {
    if (DYNAMODB_ACTIONS[command]) actions.add(`dynamodb:${DYNAMODB_ACTIONS[command]}`);
    else if (CONNECTIONS_METHODS[command]) actions.add(`execute-api:ManageConnections:${CONNECTIONS_METHODS[command]}`);
    else if (TRANSACTIONS.has(command)) {
      for (const item of reached.transactionItems) actions.add(`dynamodb:${TRANSACTION_ACTIONS[item]}`);
    } else unknownCommands.push(command);
  }
  for (const method of reached.connectionsMethods) actions.add(`execute-api:ManageConnections:${method}`);
  return { actions: [...actions].sort(), unknownCommands: unknownCommands.sort() };
}
