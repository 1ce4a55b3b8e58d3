/** The FlowBlockStat row the runner bumps when a session reaches the end of a flow (see prisma/schema.prisma). */
export const COMPLETED_STAT_ID = "__completed";
