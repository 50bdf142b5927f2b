import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

/**
 * Starts a session on the first server, then resumes it on the second with the official
 * client (`new StreamableHTTPClientTransport(url, { sessionId })`), printing what each says.
 *
 *   node dist/sample/client.js http://127.0.0.1:3000/mcp http://127.0.0.1:3001/mcp
 */
const text = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0].text;

async function main(): Promise<void> {
  const [first = 'http://127.0.0.1:3000/mcp', second = first] = process.argv.slice(2);

  const client = new Client({ name: 'sample-client', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(first));
  await client.connect(transport);
  const sessionId = transport.sessionId!;
  console.log(`[${first}]`, text(await client.callTool({ name: 'session_info', arguments: {} })));
  console.log(
    `[${first}]`,
    text(await client.callTool({ name: 'add_note', arguments: { text: `hello from ${first}` } })),
  );
  await transport.close(); // leave the session open on the server: no DELETE

  const resumed = new Client({ name: 'sample-client', version: '1.0.0' });
  await resumed.connect(new StreamableHTTPClientTransport(new URL(second), { sessionId }));
  console.log(`[${second}]`, text(await resumed.callTool({ name: 'session_info', arguments: {} })));
  const notes = await resumed.callTool({ name: 'list_notes', arguments: {} });
  console.log(`[${second}]`, JSON.stringify(notes.structuredContent));
  await resumed.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
