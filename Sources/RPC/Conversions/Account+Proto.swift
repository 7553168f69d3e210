import Foundation
public import Model
import SwiftProtobuf

extension Account {
  public var proto: Assure_V1_Account {
    .with {
      $0.id = id.uuidString.lowercased()
      $0.name = name
      $0.displayName = displayName
      $0.role = role.rawValue
      $0.createdAt = .init(milliseconds: createdAt)
      $0.createdBy = createdBy
      if let disabledAt { $0.disabledAt = .init(milliseconds: disabledAt) }
    }
  }

  /// An account from the wire; an id that is not a UUID is refused, naming `account.id`.
  public init(proto: Assure_V1_Account) throws(ValidationError) {
    self.init(
      id: try UUID(wire: proto.id, field: "account.id"), name: proto.name, displayName: proto.displayName,
      role: Role(rawValue: proto.role), createdAt: proto.createdAt.millisecondDate, createdBy: proto.createdBy,
      disabledAt: proto.hasDisabledAt ? proto.disabledAt.millisecondDate : nil)
  }
}

extension DeviceToken {
  public var proto: Assure_V1_DeviceSignIn {
    .with {
      $0.id = id.uuidString.lowercased()
      $0.accountName = accountName
      $0.deviceID = deviceID
      $0.label = label
      $0.createdAt = .init(milliseconds: createdAt)
      $0.expiresAt = .init(milliseconds: expiresAt)
      if let lastUsedAt { $0.lastUsedAt = .init(milliseconds: lastUsedAt) }
      if let revokedAt { $0.revokedAt = .init(milliseconds: revokedAt) }
      if let wipeRequestedAt { $0.wipeRequestedAt = .init(milliseconds: wipeRequestedAt) }
    }
  }

  /// A sign-in from the wire; an id that is not a UUID is refused, naming `sign_in.id`.
  public init(proto: Assure_V1_DeviceSignIn) throws(ValidationError) {
    self.init(
      id: try UUID(wire: proto.id, field: "sign_in.id"), accountName: proto.accountName, deviceID: proto.deviceID,
      label: proto.label, createdAt: proto.createdAt.millisecondDate, expiresAt: proto.expiresAt.millisecondDate,
      lastUsedAt: proto.hasLastUsedAt ? proto.lastUsedAt.millisecondDate : nil,
      revokedAt: proto.hasRevokedAt ? proto.revokedAt.millisecondDate : nil,
      wipeRequestedAt: proto.hasWipeRequestedAt ? proto.wipeRequestedAt.millisecondDate : nil)
  }
}
