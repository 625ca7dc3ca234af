package dev.efspipe.local.plan;

/**
 * EFS prices the planner compares modes with, in US dollars. {@link #US_EAST_1} holds AWS's list prices for
 * US East (N. Virginia), Regional storage classes, as AWS's EFS pricing page gave them when these constants
 * were written down ({@value #AS_OF}; not fetched at run time): Standard storage $0.30 per GB-month; Elastic
 * throughput $0.03 per GB read and $0.06 per GB written; Provisioned throughput $6.00 per MB/s-month,
 * charged only for what is provisioned above the baseline the stored data already gives in bursting mode;
 * bursting throughput is included in the storage price. AWS's "GB" in these prices is counted here as a GiB,
 * and a month as 30 days. Other Regions differ, and prices change: check the pricing page before deciding
 * on them.
 *
 * @param region    where the prices apply
 * @param asOf      when they were read
 * @param storageGibMonth      Standard storage, per GiB-month
 * @param elasticReadPerGib    Elastic throughput, per GiB read
 * @param elasticWritePerGib   Elastic throughput, per GiB written
 * @param provisionedMibpsMonth Provisioned throughput, per MiB/s-month above the storage's baseline
 */
public record EfsPrices(String region, String asOf, double storageGibMonth, double elasticReadPerGib,
                        double elasticWritePerGib, double provisionedMibpsMonth) {

    public static final String AS_OF = "2026-12-01";

    public static final EfsPrices US_EAST_1 = new EfsPrices("us-east-1", AS_OF, 0.30, 0.03, 0.06, 6.00);

    /** Days in the month the planner prices. */
    public static final int DAYS_PER_MONTH = 30;
}
