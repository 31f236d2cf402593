import EventLog
import Foundation
import Testing
import Platform

/// `FileSystem.makeTemporaryDirectory` (mkdtemp) and `removeTree`, which the live demo uses
/// for its throw-away log.
@Suite("FileSystem temporary directories and trees")
struct FileSystemTreeTests {
    @Test func temporaryDirectoriesAreFreshPrivateAndUnique() throws {
        let scratch = TemporaryDirectory("rewind-fs")
        let a = try FileSystem.makeTemporaryDirectory(prefix: scratch.path + "/demo-")
        let b = try FileSystem.makeTemporaryDirectory(prefix: scratch.path + "/demo-")
        #expect(a != b)
        #expect(a.hasPrefix(scratch.path + "/demo-") && a.count == (scratch.path + "/demo-").count + 6)
        #expect(FileSystem.isDirectory(a) && FileSystem.isDirectory(b))
        #expect(try FileSystem.list(a).isEmpty)
        let mode = try #require(try FileManager.default.attributesOfItem(atPath: a)[.posixPermissions] as? Int)
        #expect(mode & 0o777 == 0o700)
    }

    @Test func aMissingParentIsAnErrorNamingTheCall() throws {
        let scratch = TemporaryDirectory("rewind-fs")
        #expect {
            _ = try FileSystem.makeTemporaryDirectory(prefix: scratch.path + "/no/such/dir/demo-")
        } throws: { error in
            (error as? IOError)?.call == "mkdtemp" && (error as? IOError)?.errno == ENOENT
        }
    }

    @Test func removeTreeRemovesNestedContentButNeverFollowsALink() throws {
        let scratch = TemporaryDirectory("rewind-fs")
        let outside = scratch.file("outside")
        try FileSystem.makeDirectory(outside)
        try FileSystem.writeAtomically(Array("keep me".utf8), to: outside + "/precious.txt")
        let tree = scratch.file("tree")
        try FileSystem.makeDirectory(tree + "/a/b/c")
        try FileSystem.writeAtomically([1, 2, 3], to: tree + "/a/b/c/file")
        try FileSystem.writeAtomically([4], to: tree + "/top")
        try FileManager.default.createSymbolicLink(atPath: tree + "/a/link-to-outside", withDestinationPath: outside)

        try FileSystem.removeTree(tree)
        #expect(!FileSystem.exists(tree))
        #expect(FileSystem.exists(outside + "/precious.txt"))
        // Missing is fine; a plain file is removed too.
        try FileSystem.removeTree(tree)
        try FileSystem.removeTree(outside + "/precious.txt")
        #expect(!FileSystem.exists(outside + "/precious.txt"))
    }
}
