-- AlterTable
ALTER TABLE "FlowBlockStat" DROP CONSTRAINT "FlowBlockStat_pkey",
ADD COLUMN     "slot" SMALLINT NOT NULL DEFAULT 0,
ADD CONSTRAINT "FlowBlockStat_pkey" PRIMARY KEY ("versionId", "blockId", "slot");


-- The run's counters go to one of 16 slots per block (switchboard_settle_flow_run, first created
-- in 20261122122000_settle_flow_run): with one row per block every run of a flow waited for the
-- previous run's commit (bench:flows at 100 msg/s, 20 runs side by side).
CREATE OR REPLACE FUNCTION "switchboard_settle_flow_run"(
  p_workspace_id text,
  p_version_ids text[],
  p_block_ids text[],
  p_counts int[],
  p_ref_keys text[]
) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  -- One of the counters' 16 slots, at random: concurrent runs of a flow seldom pick the same.
  v_slot smallint := floor(random() * 16)::smallint;
  v_wanted int;
  v_charged int;
BEGIN
  IF cardinality(p_version_ids) > 0 THEN
    INSERT INTO "FlowBlockStat" ("versionId", "blockId", slot, entered)
    SELECT s.version_id, s.block_id, v_slot, s.n FROM unnest(p_version_ids, p_block_ids, p_counts) AS s(version_id, block_id, n)
     ORDER BY s.version_id, s.block_id
    ON CONFLICT ("versionId", "blockId", slot) DO UPDATE SET entered = "FlowBlockStat".entered + EXCLUDED.entered;
  END IF;
  IF cardinality(p_ref_keys) > 0 THEN
    WITH wanted AS (
      SELECT k.ref, k.n FROM unnest(p_ref_keys) WITH ORDINALITY AS k(ref, n)
       WHERE NOT EXISTS (SELECT 1 FROM "CreditLedger" l WHERE l."workspaceId" = p_workspace_id AND l."refKey" = k.ref)
    ),
    total AS (SELECT count(*)::int AS n FROM wanted),
    charged AS (
      UPDATE "Workspace" w SET credits = w.credits - total.n FROM total
       WHERE w.id = p_workspace_id AND total.n > 0 AND w.credits >= total.n
       RETURNING w.credits
    ),
    ledger AS (
      INSERT INTO "CreditLedger" (id, "workspaceId", delta, "balanceAfter", reason, "refKey", "createdAt")
      SELECT gen_random_uuid()::text, p_workspace_id, -1, charged.credits + (total.n - row_number() OVER (ORDER BY wanted.n))::int, 'automated_dm', wanted.ref, timezone('UTC', now())
        FROM wanted, charged, total
      RETURNING 1
    )
    SELECT (SELECT n FROM total), (SELECT count(*)::int FROM ledger) INTO v_wanted, v_charged;
    IF v_wanted > 0 AND v_charged < v_wanted THEN
      RAISE EXCEPTION 'the workspace''s credits ran out while this automation ran' USING ERRCODE = 'SB001';
    END IF;
  END IF;
END;
$$;
