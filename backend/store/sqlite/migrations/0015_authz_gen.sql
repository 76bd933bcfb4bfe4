-- A studio's authorization generation: bumped by the database itself whenever anything an
-- authenticated request's principal is built from changes (the studio, its staff, their
-- roles and channel groups, roles, channels). The session lookup returns it, so a server
-- may reuse the principal it built for the same generation instead of reading staff, roles
-- and channels on every request, on any number of replicas, and no write path can forget
-- to invalidate it.
ALTER TABLE tenants ADD COLUMN authz_gen INTEGER NOT NULL DEFAULT 0;

CREATE TRIGGER tenants_authz AFTER UPDATE OF name, seat_limit ON tenants
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.id; END;

CREATE TRIGGER staff_authz_ins AFTER INSERT ON staff
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_authz_upd AFTER UPDATE ON staff
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_authz_del AFTER DELETE ON staff
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = OLD.tenant_id; END;

CREATE TRIGGER staff_roles_authz_ins AFTER INSERT ON staff_roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_roles_authz_upd AFTER UPDATE ON staff_roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_roles_authz_del AFTER DELETE ON staff_roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = OLD.tenant_id; END;

CREATE TRIGGER roles_authz_ins AFTER INSERT ON roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER roles_authz_upd AFTER UPDATE ON roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER roles_authz_del AFTER DELETE ON roles
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = OLD.tenant_id; END;

CREATE TRIGGER staff_channel_groups_authz_ins AFTER INSERT ON staff_channel_groups
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_channel_groups_authz_upd AFTER UPDATE ON staff_channel_groups
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER staff_channel_groups_authz_del AFTER DELETE ON staff_channel_groups
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = OLD.tenant_id; END;

CREATE TRIGGER channels_authz_ins AFTER INSERT ON channels
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER channels_authz_upd AFTER UPDATE ON channels
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = NEW.tenant_id; END;
CREATE TRIGGER channels_authz_del AFTER DELETE ON channels
BEGIN UPDATE tenants SET authz_gen = authz_gen + 1 WHERE id = OLD.tenant_id; END;
