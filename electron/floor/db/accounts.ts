import type pg from 'pg';

// Login roles of the floor: one per station (a member of floor_station, so the row-level
// security of the floor's tables knows it by its login) and one for the service. Creating a
// role needs CREATEROLE: this runs as the database's owner (`floor migrate`, set-up), never in
// a station. Passwords go to PostgreSQL as SCRAM verifiers; they are never stored by the floor.
export const STATION_ID = /^[A-Za-z0-9_-]{1,32}$/;

export function stationRoleName(stationId: string): string {
  return `floor_st_${stationId.toLowerCase()}`;
}

async function createLogin(c: pg.ClientBase, role: string, password: string, group: string): Promise<void> {
  const exists = await c.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
  const verb = exists.rowCount ? 'ALTER' : 'CREATE';
  await c.query(`${verb} ROLE ${c.escapeIdentifier(role)} LOGIN INHERIT NOCREATEDB NOCREATEROLE NOSUPERUSER PASSWORD ${c.escapeLiteral(password)}`);
  await c.query(`GRANT ${group} TO ${c.escapeIdentifier(role)}`);
}

/** Adds a station (or sets its password again); returns its login role. */
export async function addStation(c: pg.ClientBase, o: { stationId: string; name?: string; password: string; role?: string }): Promise<string> {
  if (!STATION_ID.test(o.stationId)) throw new Error('a station id is 1 to 32 letters, digits, _ or -');
  const role = o.role ?? stationRoleName(o.stationId);
  await createLogin(c, role, o.password, 'floor_station');
  await c.query('INSERT INTO floor.stations (station_id, role_name, name) VALUES ($1, $2, $3) ON CONFLICT (station_id) DO UPDATE SET role_name = EXCLUDED.role_name, disabled = false', [o.stationId, role, o.name ?? o.stationId]);
  return role;
}

/** The service's login (intake, lease expiry, decisions): a member of floor_service. */
export async function addServiceLogin(c: pg.ClientBase, role: string, password: string): Promise<void> {
  await createLogin(c, role, password, 'floor_service');
}
