import { CSV_COLUMNS, csvCell } from '../../src/audit';
import { csvEntryLine, csvHeaderLine } from '../../src/audit/audit-csv';
import type { EntryRecord } from '../../src/audit';

describe('CSV export cells', () => {
  it.each([
    ['=HYPERLINK("http://evil.example")', `"'=HYPERLINK(""http://evil.example"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\t=1', "'\t=1"],
    ['\r=1', `"'\r=1"`],
  ])('neutralises a formula-looking cell %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('leaves ordinary text alone and quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvCell('customer asked about parcel 7')).toBe('customer asked about parcel 7');
    expect(csvCell('a, "b"')).toBe('"a, ""b"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell(null)).toBe('');
    expect(csvCell(true)).toBe('true');
    expect(csvCell({ orderIds: ['x'] })).toBe('"{""orderIds"":[""x""]}"');
  });

  it('writes one row per entry in the documented column order', () => {
    const entry: EntryRecord = {
      type: 'entry',
      chainId: 'platform',
      seq: '1',
      prevHash: '0'.repeat(64),
      hash: 'a'.repeat(64),
      tenantId: null,
      occurredAt: '2026-11-02T10:00:00.000Z',
      actorKind: 'staff',
      actorId: 'ada',
      actorRole: 'support',
      action: 'pii.revealed',
      targets: {},
      reason: '=cmd|"/c calc"!A1',
      ticketRef: null,
      requestId: null,
      outcome: 'allowed',
      breakGlass: false,
    };
    expect(csvHeaderLine()).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
    const cells = csvEntryLine(entry);
    expect(cells).toContain(`"'=cmd|""/c calc""!A1"`);
    expect(cells.startsWith('platform,1,2026-11-02T10:00:00.000Z,,staff,ada,support,pii.revealed,{}')).toBe(true);
    expect(cells.endsWith(`,allowed,false,${'0'.repeat(64)},${'a'.repeat(64)}\r\n`)).toBe(true);
  });
});
