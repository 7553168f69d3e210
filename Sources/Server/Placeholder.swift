import GRPCNIOTransportHTTP2
import ServiceLifecycle
@main struct M { static func main() {} }
