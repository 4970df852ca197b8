/** Lambda event-source mapping of the payment processor onto the FIFO queue. */
export const paymentProcessorMapping = {
  queue: "paymentProcessing",
  batchSize: 10,
  maximumBatchingWindowSeconds: 5,
  reportBatchItemFailures: true,
  memoryMb: 512,
  timeoutSeconds: 30,
  reservedConcurrency: 100,
} as const;
