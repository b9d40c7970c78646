// The floor's PostgreSQL schema, in numbered migrations (never renumber one that has shipped).
// Who may do what is decided by the database itself, not only by the service: a station logs in
// with its own role (a member of floor_station) and row-level security, keyed on that login
// (floor.my_station()), lets it see the queue of the batches assigned to it, claim from it, renew
// its own leases and report its own cards; results and the floor's events are insert-only for
// everyone (grants and triggers). The floor service logs in as a member of floor_service.
// Roles are cluster-wide in PostgreSQL: one floor per cluster is the intended set-up.
import { AUDIT_MIGRATION_SQL } from './audit-migration';

export interface FloorMigration {
  version: number;
  name: string;
  sql: string;
}

const ROLES = `
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'floor_station') THEN CREATE ROLE floor_station NOLOGIN; END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'floor_service') THEN CREATE ROLE floor_service NOLOGIN; END IF;
END $$;
CREATE SCHEMA floor;
REVOKE ALL ON SCHEMA floor FROM PUBLIC;
GRANT USAGE ON SCHEMA floor TO floor_station, floor_service;
`;

const TABLES = `
CREATE TABLE floor.settings (
  id boolean PRIMARY KEY DEFAULT true CHECK (id),
  lease_seconds integer NOT NULL DEFAULT 60 CHECK (lease_seconds BETWEEN 1 AND 3600),
  max_claim integer NOT NULL DEFAULT 64 CHECK (max_claim BETWEEN 1 AND 1000)
);
INSERT INTO floor.settings DEFAULT VALUES;

CREATE TABLE floor.stations (
  station_id text PRIMARY KEY CHECK (station_id ~ '^[A-Za-z0-9_-]{1,32}$'),
  role_name name UNIQUE NOT NULL,
  name text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  disabled boolean NOT NULL DEFAULT false
);

-- The station this session logged in as (null for anyone else). session_user, not current_user:
-- inside a SECURITY DEFINER function current_user is the owner.
CREATE FUNCTION floor.my_station() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = pg_catalog, floor
  AS $$ SELECT station_id FROM floor.stations WHERE role_name = session_user AND NOT disabled $$;
REVOKE ALL ON FUNCTION floor.my_station() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION floor.my_station() TO floor_station, floor_service;

CREATE TABLE floor.batches (
  batch_id text PRIMARY KEY,
  product_id text NOT NULL,
  issuer text,
  file_name text NOT NULL,
  record_count integer NOT NULL,
  imported_at timestamptz NOT NULL DEFAULT now(),
  imported_by text,
  state text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'held', 'closed'))
);
CREATE TABLE floor.batch_stations (
  batch_id text NOT NULL REFERENCES floor.batches,
  station_id text NOT NULL REFERENCES floor.stations,
  PRIMARY KEY (batch_id, station_id)
);
-- Sealed as on a station (AES-256-GCM, AAD batch/index); the key is a file of the floor service's.
CREATE TABLE floor.records (
  batch_id text NOT NULL REFERENCES floor.batches,
  record_index integer NOT NULL,
  record_id text NOT NULL,
  masked_pan text NOT NULL,
  sealed bytea,
  PRIMARY KEY (batch_id, record_index)
);
CREATE TABLE floor.leases (
  lease_id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  station_id text NOT NULL DEFAULT floor.my_station() REFERENCES floor.stations,
  batch_id text NOT NULL REFERENCES floor.batches,
  claimed_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL DEFAULT now(),
  state text NOT NULL DEFAULT 'active' CHECK (state IN ('active', 'expired', 'closed')),
  ended_at timestamptz
);
CREATE INDEX leases_active ON floor.leases (expires_at) WHERE state = 'active';
-- One row per record: the floor's view of the card being made from it (attempt counts new blanks).
CREATE TABLE floor.cards (
  batch_id text NOT NULL,
  record_index integer NOT NULL,
  record_id text NOT NULL,
  masked_pan text NOT NULL,
  attempt integer NOT NULL DEFAULT 1,
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'leased', 'passed', 'failed', 'interrupted', 'rejected')),
  station_id text REFERENCES floor.stations,
  lease_id uuid REFERENCES floor.leases,
  reason text,
  late_result_id uuid,
  decided_by text,
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (batch_id, record_index),
  FOREIGN KEY (batch_id, record_index) REFERENCES floor.records
);
CREATE INDEX cards_queue ON floor.cards (batch_id, record_index) WHERE state = 'queued';
CREATE INDEX cards_lease ON floor.cards (lease_id);
-- What stations reported, as they sent it (insert-only). applied: it moved the card (its lease
-- was still the card's); a late result is kept beside an interrupted card for the supervisor.
CREATE TABLE floor.results (
  result_id uuid PRIMARY KEY,
  station_id text NOT NULL DEFAULT floor.my_station() REFERENCES floor.stations,
  lease_id uuid NOT NULL REFERENCES floor.leases,
  batch_id text NOT NULL,
  record_index integer NOT NULL,
  attempt integer NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('passed', 'failed')),
  reason text,
  done_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  applied boolean NOT NULL DEFAULT false,
  FOREIGN KEY (batch_id, record_index) REFERENCES floor.cards
);
CREATE INDEX results_card ON floor.results (batch_id, record_index);
-- The floor's own events (intake, leases, decisions), hash-chained by the insert trigger.
CREATE TABLE floor.events (
  seq bigint PRIMARY KEY,
  at_ms bigint NOT NULL,
  db_user text NOT NULL,
  actor text NOT NULL,
  kind text NOT NULL,
  batch_id text,
  station_id text,
  detail text NOT NULL DEFAULT '{}',
  prev_hash text NOT NULL,
  hash text NOT NULL
);
`;

const TRIGGERS = `
CREATE FUNCTION floor.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'floor.% is insert-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER results_insert_only BEFORE UPDATE OR DELETE ON floor.results FOR EACH ROW EXECUTE FUNCTION floor.refuse_change();
CREATE TRIGGER results_no_truncate BEFORE TRUNCATE ON floor.results FOR EACH STATEMENT EXECUTE FUNCTION floor.refuse_change();
CREATE TRIGGER events_insert_only BEFORE UPDATE OR DELETE ON floor.events FOR EACH ROW EXECUTE FUNCTION floor.refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON floor.events FOR EACH STATEMENT EXECUTE FUNCTION floor.refuse_change();

-- The chain: each event's hash covers the previous hash and its own fields, in one order that
-- electron/floor/events.ts recomputes. Inserts are serialized by a transaction advisory lock.
CREATE FUNCTION floor.chain_event() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
DECLARE last record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('floor.events'));
  SELECT seq, hash INTO last FROM floor.events ORDER BY seq DESC LIMIT 1;
  NEW.seq := coalesce(last.seq, 0) + 1;
  NEW.at_ms := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  NEW.db_user := session_user;
  NEW.prev_hash := coalesce(last.hash, repeat('0', 64));
  NEW.hash := encode(sha256(convert_to(concat_ws('|', NEW.prev_hash, NEW.seq::text, NEW.at_ms::text, NEW.db_user, NEW.actor, NEW.kind,
    coalesce(NEW.batch_id, ''), coalesce(NEW.station_id, ''), NEW.detail), 'UTF8')), 'hex');
  RETURN NEW;
END $$;
CREATE TRIGGER events_chain BEFORE INSERT ON floor.events FOR EACH ROW EXECUTE FUNCTION floor.chain_event();

-- A lease's times are the database's, never the station's: it lasts lease_seconds from its
-- claim or its last renewal, whatever the station wrote.
CREATE FUNCTION floor.lease_times() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
DECLARE secs integer;
BEGIN
  IF floor.my_station() IS NULL THEN RETURN NEW; END IF;
  SELECT lease_seconds INTO secs FROM floor.settings;
  IF TG_OP = 'INSERT' THEN
    NEW.claimed_at := now();
    NEW.state := 'active';
    NEW.ended_at := NULL;
  END IF;
  NEW.expires_at := now() + make_interval(secs => secs);
  RETURN NEW;
END $$;
CREATE TRIGGER leases_times BEFORE INSERT OR UPDATE ON floor.leases FOR EACH ROW EXECUTE FUNCTION floor.lease_times();
CREATE FUNCTION floor.lease_logged() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
BEGIN
  INSERT INTO floor.events (actor, kind, batch_id, station_id, detail)
    VALUES ('station:' || NEW.station_id, 'lease.claimed', NEW.batch_id, NEW.station_id, json_build_object('lease', NEW.lease_id)::text);
  RETURN NULL;
END $$;
CREATE TRIGGER leases_logged AFTER INSERT ON floor.leases FOR EACH ROW EXECUTE FUNCTION floor.lease_logged();

CREATE FUNCTION floor.card_touched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.updated_at := now(); RETURN NEW; END $$;
CREATE TRIGGER cards_touched BEFORE UPDATE ON floor.cards FOR EACH ROW EXECUTE FUNCTION floor.card_touched();

-- A result moves its card only while the card is still leased to that station under that lease.
-- Decided before the insert (the card row stays locked to the end of the transaction) and acted
-- on after it: an AFTER trigger does not fire for a re-sent result (ON CONFLICT DO NOTHING).
CREATE FUNCTION floor.result_check() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
DECLARE c record;
BEGIN
  NEW.received_at := now();
  SELECT state, station_id, lease_id, attempt INTO c FROM floor.cards
    WHERE batch_id = NEW.batch_id AND record_index = NEW.record_index FOR UPDATE;
  NEW.applied := c.state = 'leased' AND c.station_id = NEW.station_id AND c.lease_id = NEW.lease_id AND c.attempt = NEW.attempt;
  RETURN NEW;
END $$;
CREATE TRIGGER results_check BEFORE INSERT ON floor.results FOR EACH ROW EXECUTE FUNCTION floor.result_check();
CREATE FUNCTION floor.result_apply() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
BEGIN
  IF NEW.applied THEN
    UPDATE floor.cards SET state = NEW.outcome, reason = NEW.reason WHERE batch_id = NEW.batch_id AND record_index = NEW.record_index;
  ELSE
    UPDATE floor.cards SET late_result_id = NEW.result_id
      WHERE batch_id = NEW.batch_id AND record_index = NEW.record_index AND state = 'interrupted' AND station_id = NEW.station_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER results_apply AFTER INSERT ON floor.results FOR EACH ROW EXECUTE FUNCTION floor.result_apply();
`;

// Least privilege. A station: read the settings, its own row, the batches assigned to it and the
// queue of those; claim (cards: state, station_id, lease_id only), renew (leases: expires_at only),
// report (results: insert). Never an update or delete of a result or an event, for anyone.
const GRANTS = `
REVOKE ALL ON ALL TABLES IN SCHEMA floor FROM PUBLIC;
GRANT SELECT ON floor.settings, floor.stations, floor.batches, floor.batch_stations, floor.records, floor.cards, floor.leases, floor.results TO floor_station;
GRANT UPDATE (state, station_id, lease_id) ON floor.cards TO floor_station;
GRANT INSERT (batch_id) ON floor.leases TO floor_station;
GRANT UPDATE (expires_at) ON floor.leases TO floor_station;
GRANT INSERT (result_id, lease_id, batch_id, record_index, attempt, outcome, reason, done_at) ON floor.results TO floor_station;

GRANT SELECT ON ALL TABLES IN SCHEMA floor TO floor_service;
GRANT INSERT ON floor.batches, floor.batch_stations, floor.records, floor.cards, floor.events TO floor_service;
GRANT UPDATE ON floor.batches, floor.cards, floor.leases, floor.settings TO floor_service;
GRANT DELETE ON floor.batch_stations TO floor_service;

ALTER TABLE floor.stations ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.batches ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.batch_stations ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.records ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.cards ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.leases ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.results ENABLE ROW LEVEL SECURITY;
ALTER TABLE floor.events ENABLE ROW LEVEL SECURITY;

CREATE POLICY service_all ON floor.stations TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.batches TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.batch_stations TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.records TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.cards TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.leases TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.results TO floor_service USING (true) WITH CHECK (true);
CREATE POLICY service_all ON floor.events TO floor_service USING (true) WITH CHECK (true);

CREATE POLICY own_row ON floor.stations FOR SELECT TO floor_station USING (station_id = floor.my_station());
CREATE POLICY assigned ON floor.batch_stations FOR SELECT TO floor_station USING (station_id = floor.my_station());
CREATE POLICY assigned ON floor.batches FOR SELECT TO floor_station
  USING (EXISTS (SELECT 1 FROM floor.batch_stations s WHERE s.batch_id = batches.batch_id AND s.station_id = floor.my_station()));
CREATE POLICY visible ON floor.cards FOR SELECT TO floor_station
  USING (station_id = floor.my_station()
    OR (state = 'queued' AND EXISTS (SELECT 1 FROM floor.batch_stations s WHERE s.batch_id = cards.batch_id AND s.station_id = floor.my_station())));
-- A claim: a queued card of an open batch assigned to this station, to one of its active leases.
CREATE POLICY claim ON floor.cards FOR UPDATE TO floor_station
  USING (state = 'queued' AND station_id IS NULL
    AND EXISTS (SELECT 1 FROM floor.batch_stations s JOIN floor.batches b USING (batch_id)
                WHERE s.batch_id = cards.batch_id AND s.station_id = floor.my_station() AND b.state = 'open'))
  WITH CHECK (state = 'leased' AND station_id = floor.my_station()
    AND EXISTS (SELECT 1 FROM floor.leases l WHERE l.lease_id = cards.lease_id AND l.batch_id = cards.batch_id
                AND l.station_id = floor.my_station() AND l.state = 'active' AND l.expires_at > now()));
CREATE POLICY leased ON floor.records FOR SELECT TO floor_station
  USING (EXISTS (SELECT 1 FROM floor.cards c WHERE c.batch_id = records.batch_id AND c.record_index = records.record_index
                 AND c.station_id = floor.my_station() AND c.state = 'leased'));
CREATE POLICY own ON floor.leases FOR SELECT TO floor_station USING (station_id = floor.my_station());
CREATE POLICY take ON floor.leases FOR INSERT TO floor_station
  WITH CHECK (station_id = floor.my_station() AND state = 'active'
    AND EXISTS (SELECT 1 FROM floor.batch_stations s JOIN floor.batches b USING (batch_id)
                WHERE s.batch_id = leases.batch_id AND s.station_id = floor.my_station() AND b.state = 'open'));
-- Renewal only of a lease still running: one the service expired stays expired.
CREATE POLICY renew ON floor.leases FOR UPDATE TO floor_station
  USING (station_id = floor.my_station() AND state = 'active' AND expires_at > now())
  WITH CHECK (station_id = floor.my_station() AND state = 'active');
CREATE POLICY own ON floor.results FOR SELECT TO floor_station USING (station_id = floor.my_station());
CREATE POLICY report ON floor.results FOR INSERT TO floor_station
  WITH CHECK (station_id = floor.my_station()
    AND EXISTS (SELECT 1 FROM floor.cards c WHERE c.batch_id = results.batch_id AND c.record_index = results.record_index
                AND c.station_id = floor.my_station()));
`;

export const FLOOR_MIGRATIONS: readonly FloorMigration[] = [
  { version: 1, name: 'floor schema, roles, queue, leases, results, events, row-level security', sql: ROLES + TABLES + TRIGGERS + GRANTS },
  { version: 2, name: "the stations' audit chains, insert-only, heads anchored in the floor's events", sql: AUDIT_MIGRATION_SQL },
];
