// Floor migration 2: the stations' audit chains on the floor (issue 15 item 3). Each station
// ships its hash-chained entries as they are in its SQLite (the canonical bytes and their hash);
// the floor keeps them insert-only, one copy per (station, seq), and the station that wrote them
// is the login that inserted them: a station has no privilege on station_id, so it can only ship
// its own chain, and nobody can change or remove a shipped entry through the database.
//
// Every shipment also anchors the station's head in the floor's own chained events (one
// 'audit.shipped' event per statement: the last seq and its hash), so a copy on the floor cut
// short is evident from the floor's chain even when the rows themselves are gone.
export const AUDIT_MIGRATION_SQL = `
CREATE TABLE floor.station_audit (
  station_id text NOT NULL DEFAULT floor.my_station() REFERENCES floor.stations,
  seq bigint NOT NULL CHECK (seq > 0),
  canon bytea NOT NULL,
  hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (station_id, seq)
);
CREATE TRIGGER station_audit_insert_only BEFORE UPDATE OR DELETE ON floor.station_audit FOR EACH ROW EXECUTE FUNCTION floor.refuse_change();
CREATE TRIGGER station_audit_no_truncate BEFORE TRUNCATE ON floor.station_audit FOR EACH STATEMENT EXECUTE FUNCTION floor.refuse_change();

CREATE FUNCTION floor.audit_received() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN NEW.received_at := now(); RETURN NEW; END $$;
CREATE TRIGGER station_audit_received BEFORE INSERT ON floor.station_audit FOR EACH ROW EXECUTE FUNCTION floor.audit_received();

CREATE FUNCTION floor.audit_shipped() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
  SET search_path = pg_catalog, floor AS $$
DECLARE s record;
BEGIN
  FOR s IN SELECT station_id, min(seq) AS first, max(seq) AS last, count(*) AS n FROM shipped GROUP BY station_id LOOP
    INSERT INTO floor.events (actor, kind, station_id, detail, prev_hash, hash)
      VALUES ('station:' || s.station_id, 'audit.shipped', s.station_id,
        json_build_object('from', s.first, 'to', s.last, 'entries', s.n,
          'hash', (SELECT hash FROM shipped WHERE station_id = s.station_id AND seq = s.last))::text, '', '');
  END LOOP;
  RETURN NULL;
END $$;
CREATE TRIGGER station_audit_shipped AFTER INSERT ON floor.station_audit REFERENCING NEW TABLE AS shipped
  FOR EACH STATEMENT EXECUTE FUNCTION floor.audit_shipped();

GRANT SELECT ON floor.station_audit TO floor_station, floor_service;
GRANT INSERT (seq, canon, hash) ON floor.station_audit TO floor_station;
ALTER TABLE floor.station_audit ENABLE ROW LEVEL SECURITY;
CREATE POLICY service_read ON floor.station_audit FOR SELECT TO floor_service USING (true);
CREATE POLICY own ON floor.station_audit FOR SELECT TO floor_station USING (station_id = floor.my_station());
CREATE POLICY ship ON floor.station_audit FOR INSERT TO floor_station WITH CHECK (station_id = floor.my_station());
`;
