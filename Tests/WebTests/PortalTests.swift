import HummingbirdTesting
import Testing

@testable import Web
