import { afterEach, describe, expect, it } from '@jest/globals';
import {
  Catch,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
  Controller,
  Get,
  HttpException,
  NotFoundException,
  Post,
  type ArgumentsHost,
  type ExceptionFilter,
  type INestApplication,
} from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import {
  ClientProxyFactory,
  MessagePattern,
  RpcException,
  Transport,
  type ClientProxy,
} from '@nestjs/microservices';
import { Test } from '@nestjs/testing';
import type { Response } from 'express';
import { createServer } from 'node:net';
import { firstValueFrom, timeout } from 'rxjs';
import request from 'supertest';
import { McpModule } from '../lib/index.js';

/** The app's own global filter, registered the way Nest documents. */
@Catch(HttpException)
class AppHttpFilter implements ExceptionFilter {
  catch(exception: HttpException, host: ArgumentsHost) {
    host
      .switchToHttp()
      .getResponse<Response>()
      .status(exception.getStatus())
      .json({ handledBy: 'AppHttpFilter', message: exception.message });
  }
}

/** Refuses requests that ask for it, as an auth guard refuses anonymous ones. */
class RefusingGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<{ headers: Record<string, unknown> }>();
    if (req.headers['x-refuse'] !== undefined) throw new UnauthorizedException('who are you?');
    return true;
  }
}

@Controller('items')
class ItemsController {
  @Get()
  find() {
    throw new NotFoundException('no such item');
  }

  @Post()
  create() {
    return 'created';
  }
}

@Controller()
class OrdersRpc {
  @MessagePattern('order.get')
  get() {
    throw new RpcException('no such order');
  }
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** Errors on the app's other routes and transports are the app's, not the module's. */
describe("the app's own error handling, with McpModule imported", () => {
  const apps: INestApplication[] = [];
  const clients: ClientProxy[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.close();
    await Promise.all(apps.splice(0).map((app) => app.close()));
  });

  async function start(withPrefix = false) {
    const moduleRef = await Test.createTestingModule({
      imports: [McpModule.forRoot({ name: 'errors-test', version: '1.0.0' })],
      controllers: [ItemsController, OrdersRpc],
      providers: [
        { provide: APP_FILTER, useClass: AppHttpFilter },
        { provide: APP_GUARD, useClass: RefusingGuard },
      ],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    apps.push(app);
    if (withPrefix) app.setGlobalPrefix('api');
    return app;
  }

  it("leaves the app's global filter the errors of its other routes", async () => {
    const app = await start();
    await app.init();
    const res = await request(app.getHttpServer()).get('/items');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ handledBy: 'AppHttpFilter', message: 'no such item' });
  });

  it("answers the app's guard refusing an MCP request in JSON-RPC, and other routes as the app does", async () => {
    const app = await start();
    await app.init();
    const http = app.getHttpServer();
    const onMcp = await request(http)
      .post('/mcp')
      .set('x-refuse', '1')
      .set('Content-Type', 'application/json')
      .send({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect({ status: onMcp.status, body: onMcp.body }).toEqual({
      status: 401,
      body: { jsonrpc: '2.0', id: null, error: { code: -32000, message: 'who are you?' } },
    });
    const onItems = await request(http).get('/items').set('x-refuse', '1');
    expect({ status: onItems.status, body: onItems.body }).toEqual({
      status: 401,
      body: { handledBy: 'AppHttpFilter', message: 'who are you?' },
    });
  });

  it('answers malformed JSON in JSON-RPC on the endpoint only, behind a global prefix too', async () => {
    const app = await start(true);
    await app.init();
    const http = app.getHttpServer();
    const malformed = (path: string) =>
      request(http).post(path).set('Content-Type', 'application/json').send('{"jsonrpc":');
    const onMcp = await malformed('/api/mcp');
    expect(onMcp.status).toBe(400);
    expect(onMcp.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
    const onItems = await malformed('/api/items');
    expect(onItems.status).toBe(400);
    expect(onItems.body).toMatchObject({ handledBy: 'AppHttpFilter' });
  });

  it('leaves the errors of a connected microservice to it', async () => {
    const app = await start();
    const port = await freePort();
    app.connectMicroservice(
      { transport: Transport.TCP, options: { host: '127.0.0.1', port } },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    await app.init();
    const client = ClientProxyFactory.create({
      transport: Transport.TCP,
      options: { host: '127.0.0.1', port },
    });
    clients.push(client);
    const outcome = await firstValueFrom(client.send('order.get', {}).pipe(timeout(3000))).then(
      () => 'no error',
      (error: unknown) => error,
    );
    expect(outcome).toEqual({ status: 'error', message: 'no such order' });
  });
});
