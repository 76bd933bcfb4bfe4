-- A studio's authorization generation (see the SQLite twin): bumped by triggers whenever
-- anything an authenticated request's principal is built from changes.
ALTER TABLE tenants ADD COLUMN authz_gen BIGINT NOT NULL DEFAULT 0;

CREATE FUNCTION bump_authz_gen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r RECORD;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    IF TG_TABLE_NAME = 'tenants' THEN
        UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = r.id;
    ELSE
        UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = r.tenant_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER tenants_authz AFTER UPDATE OF name, seat_limit ON tenants
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
-- One trigger per event, named as the SQLite twin's (a test compares them).
CREATE TRIGGER staff_authz_ins AFTER INSERT ON staff
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_authz_upd AFTER UPDATE ON staff
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_authz_del AFTER DELETE ON staff
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_roles_authz_ins AFTER INSERT ON staff_roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_roles_authz_upd AFTER UPDATE ON staff_roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_roles_authz_del AFTER DELETE ON staff_roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER roles_authz_ins AFTER INSERT ON roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER roles_authz_upd AFTER UPDATE ON roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER roles_authz_del AFTER DELETE ON roles
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_channel_groups_authz_ins AFTER INSERT ON staff_channel_groups
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_channel_groups_authz_upd AFTER UPDATE ON staff_channel_groups
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER staff_channel_groups_authz_del AFTER DELETE ON staff_channel_groups
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER channels_authz_ins AFTER INSERT ON channels
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER channels_authz_upd AFTER UPDATE ON channels
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
CREATE TRIGGER channels_authz_del AFTER DELETE ON channels
    FOR EACH ROW EXECUTE FUNCTION bump_authz_gen();
