"""What ``sso`` holds about a person: the link from an identity provider's subject to them."""

from risingtide.lib.personal_data import Delete, Holding, declare

declare(Holding("sso.IdentityLink", about=("user",), erase=Delete()))
