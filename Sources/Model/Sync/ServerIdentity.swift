import Foundation

/// Which server, and which of its histories, answered.
public struct ServerIdentity: Sendable, Hashable {
  /// Made when the server's database was created; kept by backups and restores.
  public var serverID: String
  /// Made anew on creation, for every backup copy and on every restore.
  public var epoch: String
  /// The first cursor of this epoch: cursors below it are history shared with the epoch it
  /// was restored from; a device's cursor at or past it from another epoch means nothing here.
  public var epochStart: Int64

  public init(serverID: String, epoch: String, epochStart: Int64) {
    self.serverID = serverID
    self.epoch = epoch
    self.epochStart = epochStart
  }
}
