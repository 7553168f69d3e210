import GRDB
import Stores

/// A transaction on a SQLite file, seen through the store protocols: the members forward to
/// the statements in Tables/ (Transactions+Forwarding.swift).
protocol SQLiteTransaction: StoreTransaction {
  var db: Database { get }
}

extension SQLiteTransaction {
  func inSavepoint(_ body: () throws -> SavepointEnd) throws {
    try db.inSavepoint { try body() == .commit ? .commit : .rollback }
  }
}

/// A transaction on the server's file.
struct SQLiteServerTransaction: SQLiteTransaction, ServerTransaction {
  let db: Database
}

/// A transaction on a field device's file.
struct SQLiteDeviceTransaction: SQLiteTransaction, DeviceTransaction {
  let db: Database
}
