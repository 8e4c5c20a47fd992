"""sopgen: SOP Administrasi Pemerintahan sebagai kode."""

__version__ = "0.1.0"
