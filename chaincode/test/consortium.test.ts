import { MemoryLevel } from 'memory-level';
import { TestNetwork, UserName, testNetwork } from './network';
import { EmbeddedLedger, ChaincodeError } from '@covenant/embedded-ledger';
import { closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent, withEvents } from './helpers';

const MEMBERS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
const UNKNOWN_ACCOUNT = 'e'.repeat(40);

let net: TestNetwork;
closeAfterEach(() => net);

describe('init', () => {
  /** A ledger nobody has initialised yet, driven with the test network's identities. */
  async function blankLedger() {
    net = await testNetwork({ register: false });
    const ledger = await new EmbeddedLedger(new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as never).open();
    const submit = async (as: UserName, fn: string, ...args: string[]) =>
      JSON.parse(Buffer.from((await ledger.submit(net.ids[as], fn, args)).payload).toString('utf8'));
    const refusal = async (as: UserName, fn: string, ...args: string[]) => {
      try {
        await ledger.submit(net.ids[as], fn, args);
      } catch (err) {
        if (err instanceof ChaincodeError) return err.code;
        throw err;
      }
      throw new Error(`${fn} by ${as} committed`);
    };
    return { ledger, submit, refusal };
  }

  test('an admin initialises a blank ledger once, with seeded roles; before that there is no config', async () => {
    const blank = await blankLedger();
    try {
      await expect(blank.ledger.evaluate(net.ids.alice, 'consortium:getConfig', [])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
      const seed = {
        members: ['Org3MSP', 'Org1MSP', 'Org2MSP', 'Org1MSP'],
        escrowActiveThreshold: 7,
        roles: [{ mspId: 'Org2MSP', certificate: net.ids.bob.certificate, roles: ['issuer', 'arbitrator'] }],
      };
      const events: string[] = [];
      blank.ledger.events.on('event', (e) => events.push(e.name));
      const result = await blank.submit('admin2', 'consortium:init', JSON.stringify(seed));
      expect(events).toEqual(['ConsortiumInitialized']);
      expect(result.config).toMatchObject({ members: MEMBERS, escrowActiveThreshold: 7 });
      const config = JSON.parse(Buffer.from(await blank.ledger.evaluate(net.ids.carol, 'consortium:getConfig', [])).toString('utf8'));
      expect(config).toEqual(result.config);
      expect(await blank.refusal('admin1', 'consortium:init', JSON.stringify({ members: MEMBERS }))).toBe('ALREADY_EXISTS');
      expect(await blank.refusal('admin2', 'consortium:init', JSON.stringify(seed))).toBe('ALREADY_EXISTS');

      // The seeded issuer can mint once registered.
      const bob = (await blank.submit('bob', 'accounts:register')).account.id;
      expect((await blank.submit('bob', 'consortium:getRoles', bob)).roles).toEqual(['arbitrator', 'issuer']);
      expect((await blank.submit('bob', 'accounts:mint', bob, '5')).balance).toBe('5');
    } finally {
      await blank.ledger.close();
    }
  });

  test('only an administrator of a member organisation may initialise; malformed seeds are INVALID_ARGUMENT', async () => {
    const blank = await blankLedger();
    try {
      const ok = { members: MEMBERS };
      for (const user of ['alice', 'bank', 'arbiter'] as const) {
        expect(await blank.refusal(user, 'consortium:init', JSON.stringify(ok))).toBe('FORBIDDEN');
      }
      expect(await blank.refusal('admin3', 'consortium:init', JSON.stringify({ members: ['Org1MSP', 'Org2MSP'] }))).toBe('FORBIDDEN');
      const cert = net.ids.bank.certificate;
      const malformed: unknown[] = [
        'not json',
        '[]',
        {},
        { members: [] },
        { members: 'Org1MSP' },
        { members: ['Org1MSP', 'bad msp'] },
        { members: MEMBERS, extra: true },
        { members: MEMBERS, escrowActiveThreshold: 0 },
        { members: MEMBERS, escrowActiveThreshold: '5' },
        { members: MEMBERS, escrowActiveThreshold: 1.5 },
        { members: MEMBERS, escrowActiveThreshold: 1_000_001 },
        { members: MEMBERS, roles: {} },
        { members: MEMBERS, roles: ['x'] },
        { members: MEMBERS, roles: [{ mspId: 'Org9MSP', certificate: cert, roles: ['issuer'] }] },
        { members: MEMBERS, roles: [{ mspId: 'Org1MSP', certificate: 'not a certificate', roles: ['issuer'] }] },
        { members: MEMBERS, roles: [{ mspId: 'Org1MSP', certificate: cert, roles: ['king'] }] },
        { members: MEMBERS, roles: [{ mspId: 'Org1MSP', certificate: cert, roles: 'issuer' }] },
        {
          members: MEMBERS,
          roles: [
            { mspId: 'Org1MSP', certificate: cert, roles: ['issuer'] },
            { mspId: 'Org1MSP', certificate: cert, roles: ['arbitrator'] },
          ],
        },
      ];
      for (const seed of malformed) {
        const arg = typeof seed === 'string' ? seed : JSON.stringify(seed);
        expect({ seed: arg, code: await blank.refusal('admin1', 'consortium:init', arg) }).toEqual({ seed: arg, code: 'INVALID_ARGUMENT' });
      }
      expect(blank.ledger.blockHeight).toBe(0n);
      await blank.submit('admin1', 'consortium:init', JSON.stringify(ok));
      expect(blank.ledger.blockHeight).toBe(1n);
    } finally {
      await blank.ledger.close();
    }
  });

  test('on an initialised ledger a second init is ALREADY_EXISTS for admins and FORBIDDEN for others', async () => {
    net = await testNetwork();
    for (const admin of ['admin1', 'admin2', 'admin3'] as const) {
      await expectRefusedUnchanged(net, 'ALREADY_EXISTS', admin, 'consortium:init', JSON.stringify({ members: MEMBERS }));
    }
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'consortium:init', JSON.stringify({ members: MEMBERS }));
  });
});

describe('settings', () => {
  test('getConfig shows the members and the default threshold of 100 to anyone', async () => {
    net = await testNetwork();
    for (const user of ['alice', 'bob', 'admin3'] as const) {
      expect(await net.evaluate(user, 'consortium:getConfig')).toMatchObject({ members: MEMBERS, escrowActiveThreshold: 100 });
    }
  });

  test('the threshold given at init is in force', async () => {
    net = await testNetwork({ threshold: 3 });
    expect((await net.evaluate('alice', 'consortium:getConfig')).escrowActiveThreshold).toBe(3);
  });

  test('an administrator of any member sets the threshold and emits SettingChanged', async () => {
    net = await testNetwork();
    const { result, event } = await submitWithEvent(net, 'admin2', 'consortium:setEscrowActiveThreshold', '5');
    expect(result.escrowActiveThreshold).toBe(5);
    expect(event.name).toBe('SettingChanged');
    expect(event.payload).toEqual({ setting: 'escrowActiveThreshold', from: 100, to: 5, by: net.account.admin2 });
    expect((await net.evaluate('bob', 'consortium:getConfig')).escrowActiveThreshold).toBe(5);
    await net.submit('admin3', 'consortium:setEscrowActiveThreshold', '1000000');
    await net.submit('admin1', 'consortium:setEscrowActiveThreshold', '1');
    expect((await net.evaluate('bob', 'consortium:getConfig')).escrowActiveThreshold).toBe(1);
  });

  test('anyone else is FORBIDDEN; values outside 1..1000000 or not integers are INVALID_ARGUMENT', async () => {
    net = await testNetwork();
    for (const user of ['alice', 'bank', 'arbiter', 'bob'] as const) {
      await expectRefusedUnchanged(net, 'FORBIDDEN', user, 'consortium:setEscrowActiveThreshold', '5');
    }
    for (const value of ['0', '-1', '1.5', 'abc', '', ' 5', '1e3', '1000001', '99999999999999999', '0x10', '007']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'consortium:setEscrowActiveThreshold', value);
    }
    expect((await net.evaluate('alice', 'consortium:getConfig')).escrowActiveThreshold).toBe(100);
  });
});

describe('roles', () => {
  test('getRoles shows the seeded roles to anyone; an account without roles has none', async () => {
    net = await testNetwork();
    expect(await net.evaluate('alice', 'consortium:getRoles', net.account.bank)).toEqual({ accountId: net.account.bank, roles: ['issuer'] });
    expect(await net.evaluate('bob', 'consortium:getRoles', net.account.arbiter)).toEqual({ accountId: net.account.arbiter, roles: ['arbitrator'] });
    expect(await net.evaluate('bob', 'consortium:getRoles', net.account.alice)).toEqual({ accountId: net.account.alice, roles: [] });
  });

  test('an admin of the account organisation grants issuer: the account can then mint and read accounts', async () => {
    net = await testNetwork();
    expect(await net.refusal('alice', 'accounts:mint', net.account.alice, '10')).toBe('FORBIDDEN');
    expect(await evalRefusal(net, 'alice', 'accounts:getAccount', net.account.bob)).toBe('FORBIDDEN');
    const { result, event } = await submitWithEvent(net, 'admin1', 'consortium:grantRole', net.account.alice, 'issuer');
    expect(result).toEqual({ accountId: net.account.alice, roles: ['issuer'] });
    expect(event.name).toBe('RoleGranted');
    expect(event.payload).toEqual({ accountId: net.account.alice, role: 'issuer', by: net.account.admin1 });
    expect((await net.submit('alice', 'accounts:mint', net.account.bob, '10')).balance).toBe('10');
    expect((await net.evaluate('alice', 'accounts:getAccount', net.account.bob)).balance).toBe('10');
    // Granting a role held already keeps one copy; roles stay sorted.
    await net.submit('admin1', 'consortium:grantRole', net.account.alice, 'issuer');
    expect((await net.submit('admin1', 'consortium:grantRole', net.account.alice, 'arbitrator')).roles).toEqual(['arbitrator', 'issuer']);
  });

  test('a revoked issuer can no longer mint', async () => {
    net = await testNetwork();
    await net.submit('admin1', 'consortium:grantRole', net.account.alice, 'issuer');
    await net.submit('alice', 'accounts:mint', net.account.alice, '10');
    const { result, event } = await submitWithEvent(net, 'admin1', 'consortium:revokeRole', net.account.alice, 'issuer');
    expect(result).toEqual({ accountId: net.account.alice, roles: [] });
    expect(event.name).toBe('RoleRevoked');
    expect(event.payload).toEqual({ accountId: net.account.alice, role: 'issuer', by: net.account.admin1 });
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'accounts:mint', net.account.alice, '10');
    expect((await net.evaluate('bob', 'consortium:getRoles', net.account.alice)).roles).toEqual([]);

    // The seeded issuer too.
    await net.submit('admin1', 'consortium:revokeRole', net.account.bank, 'issuer');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'accounts:mint', net.account.alice, '10');
    expect((await net.evaluate('alice', 'accounts:getOwnAccount')).balance).toBe('10');
  });

  test('only an administrator of the account organisation may grant or revoke', async () => {
    net = await testNetwork();
    const cases: [UserName, UserName][] = [
      ['admin2', 'alice'],
      ['admin3', 'alice'],
      ['admin1', 'bob'],
      ['admin3', 'dave'],
      ['admin1', 'carol'],
    ];
    for (const [admin, target] of cases) {
      await expectRefusedUnchanged(net, 'FORBIDDEN', admin, 'consortium:grantRole', net.account[target], 'issuer');
    }
    for (const user of ['alice', 'bank', 'arbiter'] as const) {
      await expectRefusedUnchanged(net, 'FORBIDDEN', user, 'consortium:grantRole', net.account.alice, 'issuer');
    }
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'admin2', 'consortium:revokeRole', net.account.bank, 'issuer');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'consortium:revokeRole', net.account.bank, 'issuer');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'admin1', 'consortium:revokeRole', net.account.arbiter, 'arbitrator');
    expect((await net.evaluate('alice', 'consortium:getRoles', net.account.bank)).roles).toEqual(['issuer']);
    expect((await net.evaluate('alice', 'consortium:getRoles', net.account.alice)).roles).toEqual([]);
    // The right admins may.
    await net.submit('admin2', 'consortium:grantRole', net.account.dave, 'arbitrator');
    await net.submit('admin3', 'consortium:revokeRole', net.account.arbiter, 'arbitrator');
    expect((await net.evaluate('alice', 'consortium:getRoles', net.account.dave)).roles).toEqual(['arbitrator']);
    expect((await net.evaluate('alice', 'consortium:getRoles', net.account.arbiter)).roles).toEqual([]);
  });

  test('an unknown role is INVALID_ARGUMENT, an unknown account NOT_FOUND', async () => {
    net = await testNetwork();
    for (const role of ['admin', 'Issuer', '', 'issuer ']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'consortium:grantRole', net.account.alice, role);
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'consortium:revokeRole', net.account.bank, role);
    }
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'admin1', 'consortium:grantRole', UNKNOWN_ACCOUNT, 'issuer');
  });

  test('granting a role already held, or revoking one not held, writes nothing and emits nothing', async () => {
    net = await testNetwork();
    const height = net.ledger.blockHeight;
    const { result: granted, events: grantEvents } = await withEvents(net, () => net.submit('admin1', 'consortium:grantRole', net.account.bank, 'issuer'));
    expect(granted.roles).toEqual(['issuer']);
    const { result: revoked, events: revokeEvents } = await withEvents(net, () => net.submit('admin2', 'consortium:revokeRole', net.account.bob, 'arbitrator'));
    expect(revoked.roles).toEqual([]);
    expect([...grantEvents, ...revokeEvents]).toEqual([]);
    // Each is still a committed (empty) transaction on the embedded ledger, with no state change.
    expect(net.ledger.blockHeight).toBe(height + 2n);
  });

  test('each consortium submit commits exactly one event', async () => {
    net = await testNetwork();
    const steps: [string, () => Promise<unknown>][] = [
      ['SettingChanged', () => net.submit('admin1', 'consortium:setEscrowActiveThreshold', '9')],
      ['RoleGranted', () => net.submit('admin2', 'consortium:grantRole', net.account.bob, 'issuer')],
      ['RoleRevoked', () => net.submit('admin2', 'consortium:revokeRole', net.account.bob, 'issuer')],
    ];
    for (const [name, step] of steps) {
      const { events } = await withEvents(net, step);
      expect(events.map((e) => e.name)).toEqual([name]);
    }
  });
});
