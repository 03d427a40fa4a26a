// The inventory's contracts are schemas/inventory.schema.json, inventory-record.schema.json, collector-output.schema.json
// and protocol-logs.schema.json; these names are views of the types generated from them (src/contracts/).
import type { RegValue } from '../contracts/collector-output.js';
import type { ExtlsCollectorOutput } from '../contracts/collector-output.js';
import type { ExtlsInventory } from '../contracts/inventory.js';
import type { ExtlsInventoryRecord } from '../contracts/inventory-record.js';
import type { ExtlsSMTPProtocolLogEvidence } from '../contracts/protocol-logs.js';

export type { RegValue };
export type CollectorOutput = ExtlsCollectorOutput;
export type SchannelProtocolSide = CollectorOutput['schannel']['protocols'][number];
export type ProtocolLogs = ExtlsSMTPProtocolLogEvidence;
export type InventoryRecord = ExtlsInventoryRecord;
export type FailureCategory = NonNullable<InventoryRecord['failure']>['category'];
export type Inventory = ExtlsInventory;

// schemas/exchange-config.schema.json: certificates and connectors as Exchange reports them.
import type { ExtlsExchangeCertificatesAndConnectors } from '../contracts/exchange-config.js';
export type ExchangeConfig = ExtlsExchangeCertificatesAndConnectors;
export type ExchangeCertificate = NonNullable<ExchangeConfig['certificates']>[number];
export type ReceiveConnector = NonNullable<ExchangeConfig['receiveConnectors']>[number];
export type SendConnector = NonNullable<ExchangeConfig['sendConnectors']>[number];
export type HybridConfiguration = NonNullable<ExchangeConfig['hybridConfiguration']>;
