import type { KnownService, ServiceCategory } from './listener.js';

/**
 * Known services by port, as data. `neverHttp` marks ports where an HTTP request is at best noise
 * and at worst harmful (Redis logs it as an attack, printers print it, debuggers expose control).
 * Sources: IANA registry, tool defaults, and the never-HTTP rule of docs/SECURITY.md#probe-policy.
 */
const TABLE: readonly (readonly [
  ports: readonly number[] | readonly [number, number, 'range'],
  name: string,
  category: ServiceCategory,
  neverHttp: boolean,
])[] = [
  [[20, 21], 'FTP', 'remote', true],
  [[22], 'SSH', 'remote', true],
  [[23], 'Telnet', 'remote', true],
  [[25, 465, 587], 'SMTP', 'mail', true],
  [[53], 'DNS', 'system', true],
  [[67, 68], 'DHCP', 'system', true],
  [[69], 'TFTP', 'system', true],
  [[80], 'HTTP', 'web', false],
  [[110, 995], 'POP3', 'mail', true],
  [[111], 'rpcbind', 'system', true],
  [[123], 'NTP', 'system', true],
  [[137, 138, 139], 'NetBIOS', 'system', true],
  [[143, 993], 'IMAP', 'mail', true],
  [[161, 162], 'SNMP', 'system', true],
  [[389, 636], 'LDAP', 'system', true],
  [[443], 'HTTPS', 'web', false],
  [[445], 'SMB', 'system', true],
  [[514], 'syslog', 'system', true],
  [[515], 'LPD printer', 'system', true],
  [[631], 'CUPS (IPP)', 'system', true],
  [[853], 'DNS over TLS', 'system', true],
  [[1080], 'SOCKS proxy', 'other', true],
  [[1433], 'SQL Server', 'database', true],
  [[1521], 'Oracle DB', 'database', true],
  [[1883, 8883], 'MQTT', 'broker', true],
  [[2049], 'NFS', 'system', true],
  [[2181], 'ZooKeeper', 'broker', true],
  [[2375, 2376], 'Docker API', 'system', true],
  [[3000], 'dev server', 'web', false],
  [[3001], 'dev server', 'web', false],
  [[3306, 33060], 'MySQL', 'database', true],
  [[3389], 'RDP', 'remote', true],
  [[4000], 'dev server', 'web', false],
  [[4200], 'Angular', 'web', false],
  [[4369], 'Erlang EPMD', 'broker', true],
  [[4317, 4318], 'OpenTelemetry', 'other', true],
  [[5000], 'dev server', 'web', false],
  [[5037], 'adb', 'debug', true],
  [[5173, 5174], 'Vite', 'web', false],
  [[4173], 'Vite preview', 'web', false],
  [[5353], 'mDNS', 'system', true],
  [[5432], 'PostgreSQL', 'database', true],
  [[5672, 5671], 'AMQP (RabbitMQ)', 'broker', true],
  [[5900, 5901], 'VNC', 'remote', true],
  [[5984], 'CouchDB', 'database', false],
  [[6000], 'X11', 'system', true],
  [[6006], 'Storybook', 'web', false],
  [[6379], 'Redis', 'database', true],
  [[6443], 'Kubernetes API', 'system', true],
  [[6660, 6661, 6662, 6663, 6664, 6665, 6666, 6667, 6668, 6669, 6697], 'IRC', 'remote', true],
  [[7000, 7001], 'Cassandra', 'database', true],
  [[7474], 'Neo4j', 'database', false],
  [[7687], 'Neo4j Bolt', 'database', true],
  [[8000], 'dev server', 'web', false],
  [[8008, 8080, 8081, 8888], 'HTTP alt', 'web', false],
  [[8443], 'HTTPS alt', 'web', false],
  [[8086], 'InfluxDB', 'database', false],
  [[8500], 'Consul', 'system', false],
  [[9000], 'dev server', 'web', false],
  [[9042], 'Cassandra CQL', 'database', true],
  [[9092], 'Kafka', 'broker', true],
  [[9090], 'Prometheus', 'web', false],
  [[9100, 9101, 9102, 9103, 9104, 9105, 9106, 9107], 'printer (JetDirect)', 'system', true],
  [[9200], 'Elasticsearch', 'database', false],
  [[9222], 'Chrome DevTools', 'debug', true],
  [[9229], 'Node inspector', 'debug', true],
  [[9300], 'Elasticsearch transport', 'database', true],
  [[11211], 'memcached', 'database', true],
  [[15672], 'RabbitMQ management', 'web', false],
  [[19000, 19001, 19002], 'Expo', 'web', false],
  [[24678], 'Vite HMR', 'web', true],
  [[27017, 27018, 27019], 'MongoDB', 'database', true],
  [[28015], 'RethinkDB', 'database', true],
  [[35729], 'LiveReload', 'web', true],
  [[50051], 'gRPC', 'other', true],
];

const BY_PORT: ReadonlyMap<number, KnownService> = (() => {
  const map = new Map<number, KnownService>();
  for (const [ports, name, category, neverHttp] of TABLE) {
    for (const port of ports) {
      if (typeof port === 'number' && !map.has(port))
        map.set(port, Object.freeze({ name, category, neverHttp }));
    }
  }
  return map;
})();

/** The known service for a port, or null. */
export function knownService(port: number): KnownService | null {
  return BY_PORT.get(port) ?? null;
}

/** Every port with a known service (for tests and docs). */
export function knownServicePorts(): number[] {
  return [...BY_PORT.keys()].sort((a, b) => a - b);
}
